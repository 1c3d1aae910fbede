#!/usr/bin/env bash
# Rendering 1,000 Markdown-heavy messages vs 1,000 plain ones into the page, in headless
# Chromium, in the same run (issue 16: goal under 50 ms). Not a test: it prints figures.
#
#   bench/markdown.sh [--count 1000] [--rounds 7]
#
# Needs no daemon: the page's own files are served from web/ on a loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/python-env.sh)
exec "$python" bench/markdown.py "$@"
