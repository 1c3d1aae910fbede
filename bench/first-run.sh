#!/usr/bin/env bash
# First-run benchmark (not a test): how long a new user waits, from a fresh clone, until
# `PASSPHRASE=plop ./run.sh` answers GET / — and how long a second run takes, with the
# binaries already built (the reference measured in the same run).
#
#   bench/first-run.sh            # clones this checkout's HEAD into a temporary folder
#
# Prints the time of each step run.sh reports (its "chatt:" lines, stamped as they come),
# the total to the first answered GET /, and the second run's total. Goals (issue 22): at
# most 5 minutes for the first, under 5 seconds for the second, on this 2-core machine.
# Everything listens on 127.0.0.1; the clone, its build and its data are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

work=$(mktemp -d)
run_pid=""
cleanup() {
    if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
        kill -TERM "$run_pid" 2>/dev/null || true
        wait "$run_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One run: starts run.sh in the clone, stamps each line it prints with the seconds since
# the start, waits for GET / to answer, stops it. Prints the stamped lines and the total.
timed_run() {  # label
    local label=$1 http_port mqtt_port ws_port start now
    http_port=$(free_port) mqtt_port=$(free_port) ws_port=$(free_port)
    start=$(date +%s.%N)
    (cd "$work/clone" && PASSPHRASE=plop HTTP_PORT=$http_port MQTT_PORT=$mqtt_port WS_PORT=$ws_port BIND=127.0.0.1 \
        DATA_DIR="$work/data" CHATT_ENV_FILE=/nonexistent exec ./run.sh) >"$work/$label.log" 2>&1 &
    run_pid=$!
    while ! curl -sf -o /dev/null "http://127.0.0.1:$http_port/"; do
        kill -0 "$run_pid" 2>/dev/null || { echo "run.sh stopped:" >&2; tail -n 30 "$work/$label.log" >&2; exit 1; }
        sleep 0.2
    done
    now=$(date +%s.%N)
    kill -TERM "$run_pid"
    wait "$run_pid" || true
    run_pid=""
    total=$(python3 -c "print(f'{$now - $start:.1f}')")
    echo "-- $label: GET / answered after ${total} s"
    grep '^chatt: \[' "$work/$label.log" | sed 's/^chatt: /   /' || true
}

echo "== cloning $(git rev-parse --short HEAD) into $work/clone"
git clone --quiet "$root" "$work/clone"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

timed_run first
first=$total
timed_run second
second=$total

echo
printf '%-34s %10s %10s\n' "" "seconds" "goal"
printf '%-34s %10s %10s\n' "fresh clone to the page (first run)" "$first" "300"
printf '%-34s %10s %10s\n' "again, binaries built (reference)" "$second" "5"
