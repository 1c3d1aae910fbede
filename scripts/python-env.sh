#!/usr/bin/env bash
# Makes .venv-test/ with the Python tools of requirements-test.txt (pytest, selenium,
# amqtt, paho-mqtt) and prints its python. Reinstalls only when the requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-test
stamp=$venv/.requirements
if ! [ -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" >&2 2>/dev/null; then
        rm -rf "$venv"
        scripts/ensure-packages.sh python3-venv python3-pip >&2
        python3 -m venv "$venv" >&2
    fi
fi
if ! cmp -s requirements-test.txt "$stamp"; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements-test.txt >&2
    cp requirements-test.txt "$stamp"
fi
echo "$PWD/$venv/bin/python"
