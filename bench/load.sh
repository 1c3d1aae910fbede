#!/usr/bin/env bash
# How many members one machine carries: the whole stack that run.sh starts (mosquitto, one
# chatt-memorize on SQLite, one chatt-server), a fresh DATA_DIR and free loopback ports for
# each size, against N simulated members (bench/load.py: each a WebSocket MQTT client like
# the page, joining over a window, then chatting at RATE messages a second in 20 rooms).
# The driver uses uvloop when it is installed in the Python of scripts/python-env.sh
# (`.venv-test/bin/pip install uvloop`; the figures in docs/scaling.md were taken with it).
# Not a test: it prints figures. Every run is bounded in time, stops everything it started
# and talks to 127.0.0.1 only.
#
#   bench/load.sh [N ...]            (default: 100 1000 5000)
#
# Settings (environment):
#   RATE=50            chat messages a second, all rooms together
#   CHAT_SECONDS=30    how long they chat
#   JOIN_RATE=100      joins a second (each size joins over N / JOIN_RATE s, at least 10 s);
#                      1,000 members at 100 a second is the burst of issue 21
#   PROCESSES=         driver processes (default: 1 up to 1,000 members, 2 above)
#   PROBE_EVERY=       every Kth member measures delivery latency; all count what they get
#                      (default 1, and 5 above 1,000 members, to spare the driver's CPU)
#   TRANSPORT=websocket  as the page; tcp: the members use the broker's MQTT/TCP listener
#                      instead (to tell the broker's WebSocket listener from the rest)
#   SUB_QOS=1          QoS of the members' subscriptions: 1 as the page; 0 to see what the
#                      broker saves
#   NICE=0             scheduling priority of the stack and the driver: on a machine busy with
#                      other work, NICE=-10 (root) measures the stack rather than the other
#                      work. The run gets a session of its own, and with it its own scheduler
#                      autogroup (Linux shares the CPU between sessions first), whose nice
#                      value is set too. Each size's report says how long the processes
#                      waited for a CPU, and how busy the machine was.
#   CHATT_BIN_DIR      built chatt-genpass, chatt-memorize, chatt-server (default: builds release)
#   LOAD_JSON=FILE     append each size's figures to FILE as one JSON line
#
# File descriptors: each member holds one socket in the driver and one in mosquitto (plus
# one HTTP connection while it loads the history), so the script raises `ulimit -n` (the
# stack started by run.sh inherits it). A deployment must do the same: docs/scaling.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 5000)
RATE=${RATE:-50}
CHAT_SECONDS=${CHAT_SECONDS:-30}
JOIN_RATE=${JOIN_RATE:-100}
TRANSPORT=${TRANSPORT:-websocket}
SUB_QOS=${SUB_QOS:-1}
NICE=${NICE:-0}
if [ "$NICE" != 0 ]; then
    if [ -z "${CHATT_LOAD_SESSION:-}" ]; then
        CHATT_LOAD_SESSION=1 exec setsid --wait "$0" "$@"
    fi
    echo "$NICE" >/proc/self/autogroup 2>/dev/null || true
    renice -n "$NICE" -p $$ >/dev/null
fi

# 2 sockets a member in the driver's process at most (the MQTT one and a history fetch),
# and mosquitto one a member; leave room for the rest.
need=$(( $(printf '%s\n' "${sizes[@]}" | sort -n | tail -1) * 2 + 1024 ))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
    echo "load: the hard limit of open files is $hard; $need are needed (raise it: ulimit -Hn, or LimitNOFILE=)" >&2
    exit 1
fi
ulimit -n "$need"

if [ -z "${CHATT_BIN_DIR:-}" ]; then
    for tool in chatt-genpass chatt-memorize chatt-server; do
        swift build -c release --product "$tool" >&2
    done
    CHATT_BIN_DIR=$(swift build -c release --show-bin-path)
fi
export CHATT_BIN_DIR
python=$(scripts/python-env.sh)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work=$(mktemp -d /tmp/chatt-load.XXXXXX)
stack=
children=()
# run.sh stops its three parts on SIGTERM; one that is still there 30 s later is killed
# (and said: memorize has been seen to wait for an overloaded broker for minutes).
stop_stack() {
    [ -n "$stack" ] || return 0
    kill -TERM "$stack" 2>/dev/null || true
    for _ in $(seq 300); do
        kill -0 "$stack" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$stack" 2>/dev/null; then
        for child in "${children[@]}"; do
            if kill -0 "$child" 2>/dev/null; then
                echo "load: $(cat "/proc/$child/comm" 2>/dev/null) (pid $child) did not stop within 30 s of SIGTERM: killed" >&2
                kill -KILL "$child" 2>/dev/null || true
            fi
        done
    fi
    wait "$stack" 2>/dev/null || true
    stack=
    children=()
}
trap 'stop_stack; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

for n in "${sizes[@]}"; do
    data=$work/data-$n
    http_port=$(free_port) mqtt_port=$(free_port) ws_port=$(free_port)
    # A passphrase made for this run: the strong scheme, a new salt (what a new chat gets).
    passphrase="load-$(head -c 9 /dev/urandom | base64 | tr '+/' '-_')"
    # The salt run.sh would make, made here so that it does not start with '-': run.sh
    # passes it as `--salt "$salt"`, and chatt-genpass takes a leading '-' for an option.
    mkdir -p "$data"
    until salt=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n') && [ "${salt#-}" = "$salt" ]; do :; done
    (umask 077; printf '%s' "$salt" >"$data/scheme-salt")
    PASSPHRASE=$passphrase DATA_DIR=$data HTTP_PORT=$http_port MQTT_PORT=$mqtt_port WS_PORT=$ws_port \
        BIND=127.0.0.1 MQTT_BIND=127.0.0.1 HOST=127.0.0.1 CHATT_ENV_FILE=/nonexistent \
        ./run.sh >"$work/run-$n.log" 2>&1 &
    stack=$!
    for _ in $(seq 600); do
        grep -q 'ready: open' "$work/run-$n.log" && break
        kill -0 "$stack" 2>/dev/null || { cat "$work/run-$n.log" >&2; echo "load: run.sh stopped" >&2; exit 1; }
        sleep 0.1
    done
    grep -q 'ready: open' "$work/run-$n.log" || { echo "load: run.sh is not ready after 60 s" >&2; exit 1; }
    creds=$(printf '%s' "$passphrase" | "$CHATT_BIN_DIR/chatt-genpass" --env --scheme strong --salt="$salt" -)
    user=$(sed -n 's/^USER=//p' <<<"$creds")
    pass=$(sed -n 's/^PASS=//p' <<<"$creds")
    pids=()
    children=($(pgrep -P "$stack"))
    for child in "${children[@]}"; do
        case "$(cat "/proc/$child/comm")" in
            mosquitto) pids+=("mosquitto=$child") ;;
            chatt-memorize) pids+=("memorize=$child") ;;
            chatt-server) pids+=("server=$child") ;;
        esac
    done
    # Each join opens two connections; past 1,000 members a second process of the driver.
    processes=${PROCESSES:-$([ "$n" -gt 1000 ] && echo 2 || echo 1)}
    probe=${PROBE_EVERY:-$([ "$n" -gt 1000 ] && echo 5 || echo 1)}
    window=$(python3 -c "print(max(10, $n / $JOIN_RATE))")
    "$python" bench/load.py --ws-port "$ws_port" --http-port "$http_port" --mqtt-port "$mqtt_port" --transport "$TRANSPORT" --sub-qos "$SUB_QOS" --user="$user" --password="$pass" \
        --db "$data/chatt.db" --members "$n" --join-window "$window" --rate "$RATE" --rooms 20 \
        --chat-seconds "$CHAT_SECONDS" --processes "$processes" --probe-every "$probe" \
        --pids "$(IFS=,; echo "${pids[*]}")" --label "$(date -u +%FT%TZ)" ${LOAD_JSON:+--json "$LOAD_JSON"}
    if grep -v 'made this chat\|should not be run as root' "$work/run-$n.log" | grep -qi 'error\|warning'; then
        echo "-- the stack's warnings and errors (first 10):"
        grep -i 'error\|warning' "$work/run-$n.log" | head -10
    fi
    stop_stack
done
