#!/usr/bin/env bash
# Benchmark: chatt-memorize standard-input ingest next to the sqlite3 CLI (same run).
# Usage: bench/memorize-ingest.sh [--mix v2] [LINES ...]   (default: 100000 1000000)
#   --mix v2: 80 % newtext and 20 % protocol v2 events (reactions, edits, deletes)
#   --signed: every message signed by its pinned author (Ed25519 verified), next to unsigned
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh sqlite3 libsqlite3-dev libmosquitto-dev
swift build -c release --product chatt-memorize >&2
python=python3
case " $* " in *" --signed "*) scripts/ensure-packages.sh python3-cryptography; python=/usr/bin/python3 ;; esac
exec "$python" bench/memorize-ingest.py "$@"
