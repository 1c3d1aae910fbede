#!/usr/bin/env bash
# The page's tests: node --test over web/test/ (the MQTT tests start their own mosquitto).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v node >/dev/null || { echo "error: node is not installed (apt-get install nodejs)" >&2; exit 1; }
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || { echo "error: mosquitto is not installed" >&2; exit 1; }
exec node --test web/test/
