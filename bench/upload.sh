#!/usr/bin/env bash
# Upload benchmark (not a test, issue 19): a 20 MB file sent to chatt-server's
# POST /data/files (streamed to disk while hashed, then renamed to its SHA-256) next to curl
# writing the same file to nginx (WebDAV PUT: nginx buffers the body to a temporary file,
# then moves it into place), in the same run, on loopback only. Release build.
#
#   bench/upload.sh             # 5 rounds of 20 MB
#   ROUNDS=9 SIZE_MB=50 bench/upload.sh
#
# Prints MB/s (median of the rounds, MB = 2^20 bytes) for both and the ratio, and
# chatt-server's RSS idle and at its peak (the upload is never held whole in memory).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
SIZE_MB=${SIZE_MB:-20}

scripts/ensure-packages.sh nginx curl

work=$(mktemp -d)
echo "== building chatt-server (release)"
if ! swift build -c release --product chatt-server >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    exit 1
fi
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

# Waits up to 30 s for $1 to answer at all.
wait_for() {
    local url=$1 deadline=$((SECONDS + 30))
    until curl -s -o /dev/null "$url"; do
        if ((SECONDS >= deadline)); then echo "error: $url did not answer within 30 s" >&2; exit 1; fi
        sleep 0.05
    done
}

server_port=$(free_port)
CHATT_MAX_UPLOAD_BYTES=$(((SIZE_MB + 1) * 1024 * 1024)) \
    "$bin/chatt-server" --db "$work/bench.db" --port "$server_port" --files-dir "$work/files" --web-root web \
    2>"$work/server.log" &
server_pid=$!
pids+=("$server_pid")

nginx_port=$(free_port)
mkdir -p "$work/nginx/root/upload" "$work/nginx/tmp" "$work/nginx/logs"
# As root, nginx's worker would run as nobody and could not write into $work.
user_line=""
if [ "$(id -u)" -eq 0 ]; then user_line="user root;"; fi
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp;
    client_max_body_size $((SIZE_MB + 1))m;
    server {
        listen 127.0.0.1:$nginx_port;
        location /upload/ {
            root $work/nginx/root;
            dav_methods PUT;
            dav_access user:rw;
        }
    }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=("$!")

wait_for "http://127.0.0.1:$server_port/healthz"
wait_for "http://127.0.0.1:$nginx_port/"
idle=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")

# Seconds and HTTP status of one transfer: "<seconds> <status>". curl asks both servers
# `Expect: 100-continue` first, as for any body over 1 MB; both answer it at once
# (chatt-server's ContinueHandler), so the transfers compare as a browser's would.
timed() { curl -s -o /dev/null -w '%{time_total} %{http_code}\n' "$@"; }

mbps() { awk -v size="$SIZE_MB" -v t="$1" 'BEGIN { printf "%.1f", size / t }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== $ROUNDS rounds of $SIZE_MB MB (a new random file each round, sent to both, order alternating)"
chatt_rates=()
nginx_rates=()
for round in $(seq 1 "$ROUNDS"); do
    head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$work/file.bin"
    send_chatt() {
        read -r seconds status < <(timed -H 'Content-Type: application/octet-stream' --data-binary "@$work/file.bin" \
            "http://127.0.0.1:$server_port/data/files?name=round-$round.bin")
        [[ $status == 201 ]] || { echo "error: chatt-server answered $status" >&2; cat "$work/server.log" >&2; exit 1; }
        chatt_rates+=("$(mbps "$seconds")")
    }
    send_nginx() {
        read -r seconds status < <(timed -T "$work/file.bin" "http://127.0.0.1:$nginx_port/upload/round-$round.bin")
        [[ $status == 201 || $status == 204 ]] || { echo "error: nginx answered $status" >&2; cat "$work/nginx/logs/error.log" >&2; exit 1; }
        nginx_rates+=("$(mbps "$seconds")")
    }
    if ((round % 2)); then send_chatt; send_nginx; else send_nginx; send_chatt; fi
    echo "   round $round: chatt-server ${chatt_rates[-1]} MB/s, nginx ${nginx_rates[-1]} MB/s"
done

# The stored file is the one sent.
stored=$(sha256sum "$work/file.bin" | cut -c1-64)
[[ -f "$work/files/$stored" ]] || { echo "error: the last upload is not in the files directory as $stored" >&2; exit 1; }

chatt=$(printf '%s\n' "${chatt_rates[@]}" | median)
nginx=$(printf '%s\n' "${nginx_rates[@]}" | median)
peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
echo
echo "upload of $SIZE_MB MB, median of $ROUNDS:"
echo "  chatt-server POST /data/files: $chatt MB/s"
echo "  nginx PUT (dav):               $nginx MB/s"
awk -v a="$chatt" -v b="$nginx" 'BEGIN { printf "  ratio chatt-server / nginx:    %.2f\n", a / b }'
echo "  chatt-server RSS:              $((idle / 1024)) MB idle, peak $((peak / 1024)) MB"
