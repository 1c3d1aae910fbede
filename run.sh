#!/usr/bin/env bash
# Runs the whole chat on this machine: mosquitto (TCP + WebSocket), chatt-memorize and
# chatt-server. Installs what is missing, builds in release mode, prints the URL to open,
# and stops all three on Ctrl-C or SIGTERM. Data (history, broker persistence) stays in
# DATA_DIR between runs.
#
# Settings come from the environment, or from a file of VAR=value lines named by
# CHATT_ENV_FILE (default ./chatt.env when it exists); never from a question:
#   PASSPHRASE  shared passphrase; empty = unprotected (anyone who reaches the ports can chat)
#   HOST        host name browsers use to reach this machine (default: the page's own host)
#   HTTP_PORT   the page and history (8080)      BIND       address for HTTP and WebSocket (0.0.0.0)
#   MQTT_PORT   MQTT over TCP (1883)             MQTT_BIND  address for MQTT over TCP (127.0.0.1)
#   WS_PORT     MQTT over WebSocket (9001)       DATA_DIR   where data lives (./data)
#   CHATT_SCHEME   how the passphrase becomes the MQTT login/password: strong (PBKDF2 with
#               this chat's salt, DATA_DIR/scheme-salt) for a new chat, or legacy (the
#               original's; a DATA_DIR with history but no salt stays legacy). The choice
#               is remembered in DATA_DIR/scheme, so later runs keep it unasked.
#   CHATT_BIN_DIR  folder holding chatt-genpass, chatt-memorize and chatt-server already
#               built (e.g. .build/debug for the tests): use them and skip the build
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD

env_file=${CHATT_ENV_FILE:-./chatt.env}
if [ -f "$env_file" ]; then
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
fi
PASSPHRASE=${PASSPHRASE:-}
HOST=${HOST:-}
HTTP_PORT=${HTTP_PORT:-8080}
MQTT_PORT=${MQTT_PORT:-1883}
WS_PORT=${WS_PORT:-9001}
BIND=${BIND:-0.0.0.0}
MQTT_BIND=${MQTT_BIND:-127.0.0.1}
DATA_DIR=${DATA_DIR:-$root/data}
case "$DATA_DIR" in /*) ;; *) DATA_DIR=$root/$DATA_DIR ;; esac

say() { printf 'chatt: %s\n' "$*" >&2; }
fail() { say "error: $*"; exit 1; }

for pair in "HTTP_PORT:$HTTP_PORT" "MQTT_PORT:$MQTT_PORT" "WS_PORT:$WS_PORT"; do
    name=${pair%%:*} value=${pair#*:}
    [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -ge 1 ] && [ "$value" -le 65535 ] || fail "$name must be a port number, not '$value'"
done
[ "$HTTP_PORT" != "$MQTT_PORT" ] && [ "$HTTP_PORT" != "$WS_PORT" ] && [ "$MQTT_PORT" != "$WS_PORT" ] \
    || fail "HTTP_PORT, MQTT_PORT and WS_PORT must differ"

scripts/ensure-packages.sh mosquitto mosquitto-clients libmosquitto-dev libsqlite3-dev sqlite3 pkg-config python3

port_free() {  # address port
    python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PY
}
port_free "$BIND" "$HTTP_PORT" || fail "port $HTTP_PORT (HTTP_PORT) is already in use on $BIND"
port_free "$MQTT_BIND" "$MQTT_PORT" || fail "port $MQTT_PORT (MQTT_PORT) is already in use on $MQTT_BIND"
port_free "$BIND" "$WS_PORT" || fail "port $WS_PORT (WS_PORT) is already in use on $BIND"

if [ -n "${CHATT_BIN_DIR:-}" ]; then
    bin=$(cd "$CHATT_BIN_DIR" && pwd) || fail "CHATT_BIN_DIR '$CHATT_BIN_DIR' is not a folder"
    for tool in chatt-genpass chatt-memorize chatt-server; do
        [ -x "$bin/$tool" ] || fail "CHATT_BIN_DIR has no executable $tool"
    done
else
    say "building (release)…"
    swift build -c release --product chatt-genpass >&2
    swift build -c release --product chatt-memorize >&2
    swift build -c release --product chatt-server >&2
    bin=$root/.build/release
fi

mkdir -p "$DATA_DIR/mosquitto"
conf=$DATA_DIR/mosquitto/mosquitto.conf
{
    echo "# Written by run.sh on each start; edit run.sh's settings instead."
    [ "$(id -u)" -eq 0 ] && echo "user root"
    echo "persistence true"
    echo "persistence_location $DATA_DIR/mosquitto/"
    echo "autosave_interval 30"
    echo "# memorize's persistent session keeps what arrives while it restarts"
    echo "max_queued_messages 1000000"
    echo "max_inflight_messages 1000"
    echo "log_dest stderr"
    echo "log_type error"
    echo "log_type warning"
    echo "per_listener_settings false"
    echo "listener $MQTT_PORT $MQTT_BIND"
    echo "listener $WS_PORT $BIND"
    echo "protocol websockets"
} >"$conf"

# The passphrase scheme (SPEC.md): strong for a new chat; legacy for CHATT_SCHEME=legacy
# and for a DATA_DIR that has history from before the strong scheme (no salt, no choice
# remembered), so existing chats, password files and clients keep working.
scheme_file=$DATA_DIR/scheme
salt_file=$DATA_DIR/scheme-salt
scheme=${CHATT_SCHEME:-}
if [ -z "$scheme" ] && [ -f "$scheme_file" ]; then
    scheme=$(tr -d ' \t\r\n' <"$scheme_file")
    [ "$scheme" = strong ] || [ "$scheme" = legacy ] || fail "$scheme_file holds '$scheme', not strong or legacy: fix it, or set CHATT_SCHEME"
elif [ -z "$scheme" ] && [ -f "$DATA_DIR/chatt.db" ] && [ ! -f "$salt_file" ]; then
    scheme=legacy
    say "this DATA_DIR has history but no salt: keeping the legacy passphrase scheme (CHATT_SCHEME=strong switches; every MQTT client then needs the new pair)"
elif [ -z "$scheme" ]; then
    scheme=strong
fi
case "$scheme" in strong|legacy) ;; *) fail "CHATT_SCHEME must be strong or legacy, not '$scheme'" ;; esac
genpass_args=(--env)
if [ "$scheme" = strong ]; then
    if [ ! -s "$salt_file" ]; then
        # 16 random bytes, base64url without padding; made once, kept with the chat.
        (umask 077; head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$salt_file")
        say "made this chat's salt ($salt_file)"
    fi
    chmod 600 "$salt_file"
    salt=$(tr -d ' \t\r\n' <"$salt_file")
    genpass_args+=(--scheme strong --salt "$salt")
    export CHATT_SCHEME=strong CHATT_SCHEME_SALT=$salt
else
    export CHATT_SCHEME=legacy
    unset CHATT_SCHEME_SALT
fi
echo "$scheme" >"$scheme_file"

if [ -n "$PASSPHRASE" ]; then
    creds=$(printf '%s' "$PASSPHRASE" | "$bin/chatt-genpass" "${genpass_args[@]}" -) || fail "cannot derive the credentials from PASSPHRASE (scheme $scheme)"
    login=$(sed -n 's/^USER=//p' <<<"$creds")
    password=$(sed -n 's/^PASS=//p' <<<"$creds")
    passwords=$DATA_DIR/mosquitto/passwords
    rm -f "$passwords"
    mosquitto_passwd -c -b "$passwords" "$login" "$password" >/dev/null
    chmod 600 "$passwords"
    { echo "allow_anonymous false"; echo "password_file $passwords"; } >>"$conf"
    export CHATT_USER=$login CHATT_PASS=$password
    say "protected by the passphrase ($scheme scheme; the MQTT login is as secret as the password)"
else
    echo "allow_anonymous true" >>"$conf"
    unset CHATT_USER CHATT_PASS PASS
    say "WARNING: no PASSPHRASE set: the chat is UNPROTECTED, anyone who reaches ports $HTTP_PORT and $WS_PORT can read and write"
fi

pids=()
stop() {
    trap - INT TERM EXIT
    say "stopping…"
    for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

wait_port() {  # port name pid
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        kill -0 "$3" 2>/dev/null || fail "$2 stopped at start; see the messages above"
        sleep 0.1
    done
    fail "$2 does not listen on port $1"
}

mosquitto -c "$conf" &
pids+=($!)
wait_port "$MQTT_PORT" mosquitto "$!"

"$bin/chatt-memorize" --subscribe --broker "mqtt://127.0.0.1:$MQTT_PORT" --db "$DATA_DIR/chatt.db" &
pids+=($!)

server_args=(--db "$DATA_DIR/chatt.db" --bind "$BIND" --port "$HTTP_PORT" --ws-port "$WS_PORT")
HOST=$HOST "$bin/chatt-server" "${server_args[@]}" &
pids+=($!)
wait_port "$HTTP_PORT" chatt-server "$!"

say "ready: open http://${HOST:-localhost}:$HTTP_PORT/  (Ctrl-C stops everything; data in $DATA_DIR)"
wait -n "${pids[@]}" || true
fail "a part stopped unexpectedly; stopping the others"
