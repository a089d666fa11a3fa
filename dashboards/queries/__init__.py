"""Query functions: each takes a pool and returns a frame or a small typed value. Charts read rollups only."""
