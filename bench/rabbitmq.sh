#!/usr/bin/env bash
# Benchmark (issue 20): a QoS 1 flood through a three-node RabbitMQ cluster into two
# chatt-memorize on PostgreSQL, next to the same flood through one mosquitto, same run:
# stored msgs/s, memorize's failover time at a kill -9, lost and stored-twice counts.
# Usage: bench/rabbitmq.sh [MESSAGES]   (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh rabbitmq-server postgresql postgresql-client mosquitto mosquitto-clients libmosquitto-dev
python=$(scripts/python-env.sh)
swift build -c release --product chatt-memorize >&2
swift build --product chatt-genpass >&2
exec "$python" bench/rabbitmq.py "$@"
