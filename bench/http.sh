#!/usr/bin/env bash
# HTTP benchmark (not a test): chatt-server's GET /data/lastinfo against a minimal Hummingbird
# route returning a body of the same size, both built in release mode, on loopback only.
#
#   bench/http.sh            # 100,000 messages over 20 rooms, wrk -t2 -c32 -d10s
#   DURATION=5s CONNECTIONS=64 bench/http.sh
#   V2_SHARE=0.2 bench/http.sh   # 20 % of the messages carry an edit or reactions (issue 16)
#
# Prints req/s and p99 of both, the ratio, and chatt-server's RSS idle and under load.
# Goals: >= 50 % of the baseline's req/s, p99 <= 10 ms at 32 connections, RSS <= 30 MB idle
# and <= 60 MB under load. Also the body's gzipped size as a browser gets it at page open
# (issue 16: under 60 KB with V2_SHARE=0.2).
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-100000}
ROOMS=${ROOMS:-20}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
V2_SHARE=${V2_SHARE:-0}

scripts/ensure-packages.sh wrk curl

work=$(mktemp -d)
echo "== building (release)"
for product in chatt-server chatt-bench-http-baseline chatt-bench-fill; do
    if ! swift build -c release --product "$product" >"$work/build.log" 2>&1; then
        cat "$work/build.log" >&2
        exit 1
    fi
done
bin=$(swift build -c release --show-bin-path)

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to 30 s for $1 to answer 200.
wait_for() {
    local url=$1 deadline=$((SECONDS + 30))
    until curl -fs -o /dev/null "$url"; do
        if ((SECONDS >= deadline)); then echo "error: $url did not answer within 30 s" >&2; exit 1; fi
        sleep 0.05
    done
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# Runs wrk against $1; prints "req_per_s p99_ms".
load() {
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1")
    echo "$out" >"$work/wrk-$2.txt"
    local rps p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    p99=$(awk -v v="$p99" 'BEGIN {
        n = v + 0; unit = v; sub(/^[0-9.]+/, "", unit)
        if (unit == "us") n /= 1000; else if (unit == "s") n *= 1000; else if (unit == "m") n *= 60000
        printf "%.2f", n }')
    if grep -q "Non-2xx" <<<"$out"; then echo "error: non-2xx answers during load:" >&2; echo "$out" >&2; exit 1; fi
    echo "$rps $p99"
}

echo "== filling $MESSAGES messages over $ROOMS rooms (share with v2 extras: $V2_SHARE)"
"$bin/chatt-bench-fill" --db "$work/bench.db" --messages "$MESSAGES" --rooms "$ROOMS" --v2-share "$V2_SHARE"

server_port=$(free_port)
"$bin/chatt-server" --db "$work/bench.db" --port "$server_port" --web-root web 2>"$work/server.log" &
server_pid=$!
pids+=("$server_pid")
wait_for "http://127.0.0.1:$server_port/healthz"
rss_start=$(rss_kb "$server_pid")
size=$(curl -fs "http://127.0.0.1:$server_port/data/lastinfo" | wc -c)
gzipped=$(curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:$server_port/data/lastinfo" | wc -c)
rss_idle=$(rss_kb "$server_pid")
anon_idle=$(anon_kb "$server_pid")
echo "== /data/lastinfo body: $size bytes, $gzipped bytes gzipped"

echo "== wrk chatt-server ($THREADS threads, $CONNECTIONS connections, $DURATION)"
read -r server_rps server_p99 < <(load "http://127.0.0.1:$server_port/data/lastinfo" server)
rss_after=$(rss_kb "$server_pid")
anon_after=$(anon_kb "$server_pid")
rss_peak=$(hwm_kb "$server_pid")
kill -TERM "$server_pid"
wait "$server_pid" && server_exit=0 || server_exit=$?

baseline_port=$(free_port)
"$bin/chatt-bench-http-baseline" --port "$baseline_port" --size "$size" &
baseline_pid=$!
pids+=("$baseline_pid")
wait_for "http://127.0.0.1:$baseline_port/data/lastinfo"
baseline_size=$(curl -fs "http://127.0.0.1:$baseline_port/data/lastinfo" | wc -c)
baseline_rss_idle=$(rss_kb "$baseline_pid")
echo "== wrk baseline (body $baseline_size bytes)"
read -r baseline_rps baseline_p99 < <(load "http://127.0.0.1:$baseline_port/data/lastinfo" baseline)
baseline_rss_peak=$(hwm_kb "$baseline_pid")

mb() { awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'; }
ratio=$(awk -v a="$server_rps" -v b="$baseline_rps" 'BEGIN { printf "%.0f", 100 * a / b }')
echo
echo "== results ($MESSAGES messages, $ROOMS rooms, v2 share $V2_SHARE, body $size bytes, wrk -t$THREADS -c$CONNECTIONS -d$DURATION)"
printf '%-28s %12s %10s\n' "" "req/s" "p99 ms"
printf '%-28s %12s %10s\n' "chatt-server /data/lastinfo" "$server_rps" "$server_p99"
printf '%-28s %12s %10s\n' "baseline (same body size)" "$baseline_rps" "$baseline_p99"
echo "gzipped at page open: $gzipped bytes ($(awk -v b="$gzipped" 'BEGIN { printf "%.1f", b / 1024 }') KB)"
echo "ratio: $ratio % of the baseline's req/s (goal >= 50 %)"
echo "p99: $server_p99 ms (goal <= 10 ms)"
echo "chatt-server RSS: $(mb "$rss_start") at start, $(mb "$rss_idle") idle after the first request (goal <= 30 MB),"
echo "                  $(mb "$rss_peak") peak under load, $(mb "$rss_after") right after (goal <= 60 MB)"
echo "                  of which private (RssAnon): $(mb "$anon_idle") idle, $(mb "$anon_after") after load;"
echo "                  the rest is shared library and executable pages (RssFile)"
echo "baseline RSS:     $(mb "$baseline_rss_idle") idle, $(mb "$baseline_rss_peak") peak under load"
echo "chatt-server exit status on SIGTERM: $server_exit"
