#!/usr/bin/env bash
# Benchmark: chatt-memorize ingest on PostgreSQL with one and with two instances in a
# shared MQTT group, next to `psql \copy` of the same rows (same run, same server).
# Usage: bench/postgres-ingest.sh [MESSAGES]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh postgresql postgresql-client mosquitto mosquitto-clients libmosquitto-dev
swift build -c release --product chatt-memorize >&2
exec python3 bench/postgres-ingest.py "$@"
