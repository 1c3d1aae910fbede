#!/usr/bin/env bash
# Soak test (long form, not in ./test.sh): a private mosquitto, chatt-memorize --subscribe
# and chatt-server on free loopback ports; wrk on /data/lastinfo and publishers on the
# broker for MINUTES; every minute the RSS of both daemons and the count stored. Fails
# (exit 1) on any HTTP error, any message not stored, or a daemon that died.
#
#   scripts/soak.sh [MINUTES]     (default 10)
#   RATE=200 CONNECTIONS=16 scripts/soak.sh 60
#
# RATE: messages per second over all publishers (default 200, 4 publishers).
# Uses the debug build (swift build); set CONFIGURATION=release for release binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-10}"
RATE="${RATE:-200}"
CONNECTIONS="${CONNECTIONS:-16}"
CONFIGURATION="${CONFIGURATION:-debug}"
PUBLISHERS=4
command -v wrk >/dev/null || { echo "soak.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

swift build -c "$CONFIGURATION" --product chatt-memorize >&2
swift build -c "$CONFIGURATION" --product chatt-server >&2
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)"

WORK="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MQTT_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

{
    [ "$(id -u)" -eq 0 ] && echo "user root"
    echo "listener $MQTT_PORT 127.0.0.1"
    echo "allow_anonymous true"
    echo "max_queued_messages 1000000"
    echo "persistence false"
} > "$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
BROKER=$!; PIDS+=("$BROKER")
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null && break; sleep 0.05; done

DB="$WORK/chatt.db"
LOG_LEVEL=info "$BIN/chatt-memorize" --subscribe --broker "mqtt://127.0.0.1:$MQTT_PORT" \
    --client-id soak-memorize --db "$DB" --no-reverse-dns 2> "$WORK/memorize.log" &
MEMORIZE=$!; PIDS+=("$MEMORIZE")
"$BIN/chatt-server" --bind 127.0.0.1 --port "$HTTP_PORT" --db "$DB" 2> "$WORK/server.log" &
SERVER=$!; PIDS+=("$SERVER")
for _ in $(seq 600); do
    curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" && grep -q subscribed "$WORK/memorize.log" && break
    sleep 0.1
done
grep -q subscribed "$WORK/memorize.log" || { echo "soak.sh: memorize did not subscribe:"; cat "$WORK/memorize.log"; exit 1; } >&2

# Each publisher: every second, RATE/PUBLISHERS messages with ids, in one mosquitto_pub -l.
END=$(( $(date +%s) + MINUTES * 60 ))
publisher() {
    local p=$1 second=0 per=$(( RATE / PUBLISHERS ))
    while [ "$(date +%s)" -lt "$END" ]; do
        for i in $(seq "$per"); do
            printf '{"author":"soak%s","text":"message %s %s","id":"s%s-%s-%s"}\n' "$p" "$second" "$i" "$p" "$second" "$i"
        done | mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t "rooms/soak-$p/newtext" -l
        echo $(( (second + 1) * per )) > "$WORK/published-$p"
        second=$((second + 1))
        sleep 1
    done
}
for p in $(seq "$PUBLISHERS"); do publisher "$p" & PIDS+=("$!"); done

wrk -t2 -c"$CONNECTIONS" -d"${MINUTES}m" --latency "http://127.0.0.1:$HTTP_PORT/data/lastinfo" > "$WORK/wrk.txt" 2>&1 &
WRK=$!; PIDS+=("$WRK")

rss() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "dead"; }
stored() { sqlite3 -cmd ".timeout 5000" "$DB" "SELECT count(*) FROM message" 2>/dev/null || echo "?"; }
published() { cat "$WORK"/published-* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
printf '%-8s %14s %14s %10s %10s\n' minute "memorize MB" "server MB" published stored
printf '%-8s %14s %14s %10s %10s\n' 0 "$(rss "$MEMORIZE")" "$(rss "$SERVER")" "$(published)" "$(stored)"
for minute in $(seq "$MINUTES"); do
    sleep 60
    printf '%-8s %14s %14s %10s %10s\n' "$minute" "$(rss "$MEMORIZE")" "$(rss "$SERVER")" "$(published)" "$(stored)"
done
wait "$WRK" || true
for p in $(seq "$PUBLISHERS"); do wait "${PIDS[$((3 + p - 1))]}" 2>/dev/null || true; done

PUBLISHED=$(published)
for _ in $(seq 300); do [ "$(stored)" -ge "$PUBLISHED" ] && break; sleep 0.1; done
STORED=$(stored)
echo
echo "== wrk on /data/lastinfo"
cat "$WORK/wrk.txt"
FAILED=0
if grep -q -E "Non-2xx|Socket errors" "$WORK/wrk.txt"; then echo "FAIL: HTTP errors (above)"; FAILED=1; fi
if [ "$STORED" != "$PUBLISHED" ]; then echo "FAIL: published $PUBLISHED, stored $STORED"; FAILED=1; fi
for pid in "$MEMORIZE" "$SERVER" "$BROKER"; do
    kill -0 "$pid" 2>/dev/null || { echo "FAIL: a daemon died (pid $pid)"; FAILED=1; }
done
echo "published $PUBLISHED, stored $STORED; final RSS: memorize $(rss "$MEMORIZE") MB, chatt-server $(rss "$SERVER") MB"
[ "$FAILED" -eq 0 ] && echo "soak: OK" || { echo "--- memorize log"; tail -20 "$WORK/memorize.log"; echo "--- server log"; tail -20 "$WORK/server.log"; }
exit "$FAILED"
