#!/usr/bin/env bash
# Web Push sends per second from chatt-push's sender (issue 19's benchmark), next to a
# reference measured in the same run against the same endpoint. Not a test: it prints figures.
#
#   bench/push.sh [COUNT]      (default 20000 pushes)
#
# The endpoint: chatt-bench-http-baseline (a bare Hummingbird server on a free loopback port;
# POST /push/<id> reads the body and answers 201, as a push service does).
# Rows, each the best of 3 runs:
#   encrypt+sign   RFC 8291 encryption (fresh key and salt) and a VAPID token per push, no I/O
#   chatt-push     the same, then POSTed with async-http-client, 16 in flight (chatt-push's
#                  dispatcher sends 16 at a time)
#   wrk            the reference: wrk POSTing one pre-encrypted body with the same headers,
#                  16 connections, 10 s (the endpoint's ceiling for this request)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-20000}"
RUNS=3
command -v wrk >/dev/null || scripts/ensure-packages.sh wrk >&2

swift build -c release --product chatt-bench-push >&2
swift build -c release --product chatt-bench-http-baseline >&2
BIN="$(swift build -c release --show-bin-path)"

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$BIN/chatt-bench-http-baseline" --port "$PORT" --size 100 >"$WORK/endpoint.log" 2>&1 &
ENDPOINT=$!
trap 'kill "$ENDPOINT" 2>/dev/null || true; wait "$ENDPOINT" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/push/bench"

best() {  # the largest "N/s" of the lines on stdin
    grep -o '[0-9]*/s' | tr -d '/s' | sort -n | tail -n 1
}

encrypt=$(for _ in $(seq $RUNS); do "$BIN/chatt-bench-push" --mode encrypt --count "$COUNT"; done | best)
send=$(for _ in $(seq $RUNS); do "$BIN/chatt-bench-push" --mode send --url "$URL" --count "$COUNT"; done | tee "$WORK/send.log" | best)
grep -q '(0 failed)' "$WORK/send.log" || { cat "$WORK/send.log" >&2; echo "some pushes failed" >&2; exit 1; }

"$BIN/chatt-bench-push" --mode body --url "$URL" --output "$WORK/body.bin"
{
    echo 'wrk.method = "POST"'
    echo "local f = io.open(\"$WORK/body.bin\", \"rb\"); wrk.body = f:read(\"*a\"); f:close()"
    while IFS= read -r line; do
        printf 'wrk.headers["%s"] = "%s"\n' "${line%%: *}" "${line#*: }"
    done <"$WORK/body.bin.headers"
} >"$WORK/post.lua"
reference=$(for _ in $(seq $RUNS); do
    wrk -t 2 -c 16 -d 10s -s "$WORK/post.lua" "$URL" | awk '/Requests\/sec/ { printf "%d/s\n", $2 }'
done | best)

printf '%-16s %12s\n' "" "pushes/s"
printf '%-16s %12s\n' "encrypt+sign" "$encrypt"
printf '%-16s %12s\n' "chatt-push" "$send"
printf '%-16s %12s\n' "wrk (reference)" "$reference"
echo "($COUNT pushes per run, best of $RUNS; $(nproc) cores; the endpoint and the client share them)"
