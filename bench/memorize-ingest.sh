#!/usr/bin/env bash
# Benchmark: chatt-memorize standard-input ingest next to the sqlite3 CLI (same run).
# Usage: bench/memorize-ingest.sh [--mix v2] [LINES ...]   (default: 100000 1000000)
#   --mix v2: 80 % newtext and 20 % protocol v2 events (reactions, edits, deletes)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh sqlite3 libsqlite3-dev libmosquitto-dev
swift build -c release --product chatt-memorize >&2
exec python3 bench/memorize-ingest.py "$@"
