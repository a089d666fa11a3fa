-- Extensions the IOC stands on. TimescaleDB must be preloaded (shared_preload_libraries).
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;
