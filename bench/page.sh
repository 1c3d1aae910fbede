#!/usr/bin/env bash
# The page in headless Chromium: publish -> render latency between two pages (with a
# paho-mqtt reference measured in the same run) and the bytes needed to open the page
# on a database of 100,000 messages. Not a test: it prints figures.
#
#   bench/page.sh [--count 1000] [--spacing 20] [--fill 100000]
#
# Uses the debug build (swift build --build-tests), as the e2e tests do; CHATT_BIN_DIR
# points elsewhere (e.g. .build/release after swift build -c release).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/python-env.sh)
bin=${CHATT_BIN_DIR:-.build/debug}
for tool in chatt-memorize chatt-server chatt-genpass chatt-bench-fill; do
    [ -x "$bin/$tool" ] || { echo "build first: $bin/$tool is missing (swift build --build-tests)" >&2; exit 1; }
done
CHATT_BIN_DIR=$bin exec "$python" bench/page.py "$@"
