#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds once with tests, runs everything.
# Usage: ./test.sh            (as root on Debian, or with sudo available)
# Extra arguments go to `swift test`, e.g. ./test.sh --filter Greeting
set -euo pipefail
cd "$(dirname "$0")"

# Everything the suite starts for real: the broker, its clients, the C libraries.
scripts/ensure-packages.sh \
    mosquitto mosquitto-clients libmosquitto-dev \
    sqlite3 libsqlite3-dev pkg-config nodejs \
    chromium chromium-driver nginx openssl iproute2 curl \
    postgresql postgresql-client rabbitmq-server
python=$(scripts/python-env.sh)

echo "== swift build --build-tests"
swift build --build-tests

echo "== swift test"
swift test --skip-build "$@"

echo "== node --test web/test/"
web/test/run.sh

if compgen -G "e2e/test_*.py" >/dev/null; then
    echo "== pytest e2e/ (real broker, daemons and headless Chromium)"
    "$python" -m pytest -q e2e/
fi
