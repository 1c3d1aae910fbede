#!/usr/bin/env bash
# Throughput of ChatMQTT next to mosquitto's own clients, measured in the same run against
# a private mosquitto on a free loopback port. Not a test: it prints figures.
#
#   bench/mqtt.sh [COUNT]      (default 60000 messages, QoS 1, ~15-byte payloads)
#
# COUNT stays below 65535: mosquitto_pub 2.0.11 in line mode (-l) waits for the PUBACK of
# the last message id, and ids wrap at 65535, so with more lines it quits early (at
# 100000 lines it stops after about 34,500).
#
# publish: COUNT messages to a broker with no subscriber, timed until the client exits
#          (all PUBACKs received): `mosquitto_pub -l -q 1` fed COUNT lines, then
#          `chatt-bench-mqtt publish` (100 concurrent tasks, 100 in flight).
# receive: COUNT messages queued by the broker for a persistent session, then drained:
#          `mosquitto_sub -c -q 1 -C COUNT`, then `chatt-bench-mqtt receive`, then
#          `chatt-bench-mqtt receive-acked` (row "acked": PUBACK only after the consumer's acknowledge(),
#          as chatt-memorize does it).
# Each figure is the best of 3 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-60000}"
if [ "$COUNT" -gt 65000 ]; then
    echo "COUNT must stay below 65535 (mosquitto_pub -l quits early past it); using 65000" >&2
    COUNT=65000
fi
RUNS=3

swift build -c release --product chatt-bench-mqtt >&2
BENCH="$(swift build -c release --show-bin-path)/chatt-bench-mqtt"

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
{
    [ "$(id -u)" -eq 0 ] && echo "user root"
    echo "listener $PORT 127.0.0.1"
    echo "allow_anonymous true"
    echo "max_queued_messages $((COUNT * 2))"
    echo "max_inflight_messages 1000"
    echo "persistence false"
} > "$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true; wait $BROKER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
    (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.05
done

seq -f "message %.0f" 1 "$COUNT" > "$WORK/lines"

now() { date +%s.%N; }
rate() { python3 -c "import sys; print(round($COUNT / ($2 - $1)))"; }

# Best (highest) rate of RUNS runs of the command given as arguments; $PREPARE runs first.
best_rate() {
    local best=0 start end r
    for _ in $(seq "$RUNS"); do
        [ -n "${PREPARE:-}" ] && eval "$PREPARE"
        start=$(now)
        "$@"
        end=$(now)
        r=$(rate "$start" "$end")
        [ "$r" -gt "$best" ] && best=$r
    done
    echo "$best"
}

raw_pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t bench/x -l < "$WORK/lines"; }
our_pub() { "$BENCH" publish "$PORT" "$COUNT"; }

# A persistent session with COUNT queued messages for client id $1.
queue_for() {
    mosquitto_sub -h 127.0.0.1 -p "$PORT" -c -i "$1" -q 1 -t 'bench/#' -E
    mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t bench/x -l < "$WORK/lines"
}
# Ends the persistent session $1, so that it stops collecting the next runs' messages.
forget() { mosquitto_sub -h 127.0.0.1 -p "$PORT" -i "$1" -t bench/none -E; }
raw_sub() { mosquitto_sub -h 127.0.0.1 -p "$PORT" -c -i rawsub -q 1 -t 'bench/#' -C "$COUNT" > /dev/null; }
our_sub() { "$BENCH" receive "$PORT" "$COUNT" oursub; }
our_sub_acked() { "$BENCH" receive-acked "$PORT" "$COUNT" oursub; }

RAW_PUB=$(PREPARE="" best_rate raw_pub)
OUR_PUB=$(PREPARE="" best_rate our_pub)
RAW_SUB=$(PREPARE="forget rawsub; forget oursub; queue_for rawsub" best_rate raw_sub)
OUR_SUB=$(PREPARE="forget rawsub; forget oursub; queue_for oursub" best_rate our_sub)
OUR_ACKED=$(PREPARE="forget rawsub; forget oursub; queue_for oursub" best_rate our_sub_acked)

ratio() { python3 -c "print(f'{100 * $1 / $2:.0f} %')"; }
printf '%-8s %9s msgs  %16s  %22s  %s\n' "" "" "ChatMQTT (msg/s)" "mosquitto_pub/sub (msg/s)" "ratio"
printf '%-8s %9s msgs  %16s  %22s  %s\n' publish "$COUNT" "$OUR_PUB" "$RAW_PUB" "$(ratio "$OUR_PUB" "$RAW_PUB")"
printf '%-8s %9s msgs  %16s  %22s  %s\n' receive "$COUNT" "$OUR_SUB" "$RAW_SUB" "$(ratio "$OUR_SUB" "$RAW_SUB")"
printf '%-8s %9s msgs  %16s  %22s  %s\n' acked "$COUNT" "$OUR_ACKED" "$RAW_SUB" "$(ratio "$OUR_ACKED" "$RAW_SUB")"
