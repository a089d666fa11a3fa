#!/usr/bin/env bash
# Installs everything smartward-ioc needs on Debian 12 and leaves a ready virtual environment in .venv.
# Idempotent: what is already installed is skipped. Elsewhere it says to use docker compose.
# Usage: scripts/setup.sh [--dev]   (--dev adds what the tests need: Chromium, chromedriver, docker-compose, dev tools)
set -euo pipefail
dev=0
[ "${1:-}" = "--dev" ] && dev=1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
say() { printf '\033[1;36m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != "debian" ] || [ "${VERSION_ID:-}" != "12" ]; then
  die "this set-up script supports Debian 12 only (found ${PRETTY_NAME:-unknown}). Elsewhere run: docker compose up"
fi
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "run as root or install sudo"
  sudo_cmd="sudo"
fi

PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
packages=(postgresql-15 postgresql-15-postgis-3 postgresql-server-dev-15 cmake build-essential dpkg-dev
          libssl-dev libkrb5-dev mosquitto mosquitto-clients python3-venv
          redis-server)   # the dashboards' shared cache, `ioc stack up --redis` (optional at run time)
# headless Chromium for browser tests and screenshots (Vietnamese glyphs need the Noto fonts); compose validation
((dev)) && packages+=(chromium chromium-driver fonts-noto-core fonts-dejavu-core docker-compose)
# the weekly briefing is printed to PDF by Chromium in production too; poppler-utils: tests read its text and pages
packages+=(chromium fonts-dejavu-core)
((dev)) && packages+=(poppler-utils)
# the ingest benchmark's C load generator (bench/c/pubload.c, compiled with cc against libmosquitto)
((dev)) && packages+=(libmosquitto-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all present"
fi
# Debian starts a system mosquitto/postgresql on install; we never use them (the stack runs private instances).

if [ -f "$($PG_CONFIG --pkglibdir)/timescaledb.so" ]; then
  say "TimescaleDB: already installed"
else
  say "TimescaleDB: building 2.19.3 (Apache edition) from Debian trixie's source package"
  build=$(mktemp -d /tmp/ioc-tsdb.XXXXXX)
  mkdir -p "$build/apt/lists/partial" "$build/apt/cache/archives/partial" "$build/apt/parts"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    > "$build/apt/sources.list"
  aptopts=(-oDir::State::Lists="$build/apt/lists" -oDir::Etc::SourceList="$build/apt/sources.list"
           -oDir::Etc::SourceParts="$build/apt/parts" -oDir::Cache="$build/apt/cache")
  apt-get "${aptopts[@]}" update -qq
  (cd "$build" && apt-get "${aptopts[@]}" source --download-only timescaledb >/dev/null)
  (cd "$build" && dpkg-source -x timescaledb_*.dsc src >/dev/null)
  (cd "$build/src" && ./bootstrap -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF \
      -DAPACHE_ONLY=ON -DPG_CONFIG="$PG_CONFIG" >"$build/bootstrap.log" 2>&1) \
    || die "TimescaleDB bootstrap failed; see $build/bootstrap.log"
  $sudo_cmd make -C "$build/src/build" -j"$(nproc)" install >"$build/make.log" 2>&1 \
    || die "TimescaleDB build failed; see $build/make.log"
  rm -rf "$build"
  say "TimescaleDB: installed"
fi

py=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    py=$(command -v "$cand"); break
  fi
done
[ -n "$py" ] || die "Python 3.11 is required (apt-get install python3.11 python3.11-venv, or pyenv install 3.11)"
extra=""; ((dev)) && extra="[dev]"
stamp=.venv/.ioc-installed${extra:+-dev}
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $py"
  "$py" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "installing the ioc package${extra:+ with its dev tools} into .venv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".$extra"
  touch "$stamp"
else
  say "Python environment: up to date"
fi
say "ready"
