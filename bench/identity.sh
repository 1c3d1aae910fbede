#!/usr/bin/env bash
# Key derivation at join (issue 17: goal under 1 s), in headless Chromium: the page's own
# identity.js derives a member's keys from a personal secret (PBKDF2-HMAC-SHA256 600,000,
# then HKDF, Ed25519 and X25519 imports) as main.js does at join. Not a test: it prints figures.
#
#   bench/identity.sh [--rounds 7]
#
# Needs no daemon: the page's files are served from web/ on a loopback port (a secure context).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/python-env.sh)
exec "$python" bench/identity.py "$@"
