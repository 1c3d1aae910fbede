#!/usr/bin/env bash
# Runs the whole chat on this machine: mosquitto (TCP + WebSocket), chatt-memorize and
# chatt-server. Installs what is missing, builds in release mode, prints the URL to open,
# starts again any of the three that stops (with a backoff), and stops all three on Ctrl-C
# or SIGTERM. Data (history, broker persistence) stays in DATA_DIR between runs.
#
# Settings come from the environment, or from a file of VAR=value lines named by
# CHATT_ENV_FILE (default ./chatt.env when it exists); never from a question:
#   PASSPHRASE  shared passphrase; empty = unprotected (anyone who reaches the ports can chat)
#   HOST        host name browsers use to reach this machine (default: the page's own host)
#   HTTP_PORT   the page and history (8080)      BIND       address for HTTP and WebSocket (0.0.0.0)
#   MQTT_PORT   MQTT over TCP (1883)             MQTT_BIND  address for MQTT over TCP (127.0.0.1)
#   WS_PORT     MQTT over WebSocket (9001)       DATA_DIR   where data lives (./data)
#   WS_ENDPOINTS  optional comma-separated ws:// or wss:// URLs the page tries in order,
#               moving to the next when it loses one (brokers behind other hosts/ports);
#               empty = the one broker started here (HOST and WS_PORT)
#   CHATT_SCHEME   how the passphrase becomes the MQTT login/password: strong (PBKDF2 with
#               this chat's salt, DATA_DIR/scheme-salt) for a new chat, or legacy (the
#               original's; a DATA_DIR with history but no salt stays legacy). The choice
#               is remembered in DATA_DIR/scheme, so later runs keep it unasked.
#   CHATT_BIN_DIR  folder holding chatt-genpass, chatt-memorize and chatt-server already
#               built (e.g. .build/debug for the tests): use them and skip the build; its
#               chatt-push too when it has one (else no Web Push)
#   CHATT_VAPID_SUBJECT  the contact push services see in Web Push's VAPID token
#               (mailto:you@example.org or https://…; default mailto:chatt@localhost)
# Web Push (chatt-push, notifications with no tab open) needs async-http-client, which the
# first build leaves out to keep it short: once the chat runs, chatt-push is built in the
# background (.build/push, log in .build/run-sh-push-build.log) and started when it is ready.
# The broker gives chatt-memorize an account of its own (login chatt-memorize, a random
# password made once in DATA_DIR/memorize-broker-password, mode 600) and keeps every client
# to rooms/#, users/# and direct/# (DATA_DIR/mosquitto/acl); payloads stop at 256 KiB.
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

# Seconds since run.sh started, for the progress lines (bench/first-run.sh reads them).
step() { say "[$SECONDS s] $*"; }

# The three executables in release mode, unless they are newer than every source (then a
# second run starts in seconds). One `swift build` for all of them, so that its jobs keep
# both cores busy (three builds one after the other each ended on one long module with a core
# idle); without the PostgreSQL trait (the one-machine chat keeps its history in SQLite, and
# postgres-nio with its second TLS stack is not built: docs/scaling.md) and without debug
# information (a third less to compile and link; crash backtraces still name the functions).
# The compiler's lines go to .build/run-sh-build.log; what is shown is one line every few
# seconds: how far, and about how long is left.
build_release() {
    local tools=(chatt-genpass chatt-memorize chatt-server) current=yes
    for tool in "${tools[@]}"; do [ -x "$bin/$tool" ] || current=""; done
    if [ -n "$current" ] && [ -z "$(find Package.swift Sources -newer "$bin/chatt-server" -print -quit)" ]; then
        step "the release build is current"
        return
    fi
    mkdir -p .build
    local log=.build/run-sh-build.log
    : >"$log"
    step "building in release mode (the first time takes minutes; details in $log)"
    local started=$SECONDS
    swift build -c release --disable-default-traits -debug-info-format none >>"$log" 2>&1 &
    local build=$!
    # Samples of (seconds, steps done), for the estimate: the average pace since the start is
    # too hopeful at the end, where the last fifty steps are the long Swift modules (half of
    # the time); the pace over the last half minute sees that. The larger of the two is said.
    local -a at=() steps=()
    while kill -0 "$build" 2>/dev/null; do
        sleep 5 & wait $! || true
        # SwiftPM's own counter: "[done/planned] Compiling …"
        local progress
        progress=$(grep -o '^\[[0-9]*/[0-9]*\]' "$log" | tail -n 1 | tr -d '[]') || true
        if [ -n "$progress" ]; then
            local done=${progress%/*} planned=${progress#*/} left=""
            at+=("$SECONDS") steps+=("$done")
            if [ "$done" -gt 0 ] && [ "$planned" -gt "$done" ]; then
                local seconds=$(( (SECONDS - started) * (planned - done) / done )) i=0
                while [ $(( SECONDS - at[i] )) -gt 30 ]; do i=$((i + 1)); done
                local window=$(( SECONDS - at[i] )) moved=$(( done - steps[i] ))
                if [ "$window" -ge 20 ] && [ "$moved" -gt 0 ] && [ $(( window * (planned - done) / moved )) -gt "$seconds" ]; then
                    seconds=$(( window * (planned - done) / moved ))
                fi
                left=", about $(( (seconds + 59) / 60 )) min left"
            fi
            step "building: step $done of $planned$left"
        else
            step "building: fetching and resolving the packages"
        fi
    done
    wait "$build" || { tail -n 40 "$log" >&2; fail "the build failed (whole log: $log)"; }
    for tool in "${tools[@]}"; do
        # Not rebuilt when already current: the check above wants them newer than the sources.
        touch "$bin/$tool"
    done
    step "built ${tools[*]}"
}

if [ -n "${CHATT_BIN_DIR:-}" ]; then
    bin=$(cd "$CHATT_BIN_DIR" && pwd) || fail "CHATT_BIN_DIR '$CHATT_BIN_DIR' is not a folder"
    for tool in chatt-genpass chatt-memorize chatt-server; do
        [ -x "$bin/$tool" ] || fail "CHATT_BIN_DIR has no executable $tool"
    done
else
    bin=$root/.build/release
    build_release
fi

# chatt-push (Web Push) in its own build, in the background once the chat runs: with the
# WebPush trait (async-http-client and its TLS stack, minutes to compile), release, in
# .build/push so the chat's build above stays as it was. push_current says whether the
# binary is newer than every source.
push_bin=""
push_build_pid=""
if [ -n "${CHATT_BIN_DIR:-}" ]; then
    [ -x "$bin/chatt-push" ] && push_bin=$bin/chatt-push
else
    push_bin=$root/.build/push/release/chatt-push
fi
push_current() {
    [ -x "$push_bin" ] && [ -z "$(find Package.swift Sources -newer "$push_bin" -print -quit)" ]
}
build_push() {
    local log=.build/run-sh-push-build.log
    mkdir -p .build
    : >"$log"
    swift build -c release --disable-default-traits --traits WebPush --product chatt-push \
        --scratch-path .build/push -debug-info-format none >>"$log" 2>&1 && touch "$push_bin"
}

mkdir -p "$DATA_DIR/mosquitto"
conf=$DATA_DIR/mosquitto/mosquitto.conf
acl=$DATA_DIR/mosquitto/acl
case "$BIND" in *:*) ws_domain=ipv6 ;; *) ws_domain=ipv4 ;; esac
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
    echo "# The largest legal chat payload: memorize's PayloadLimits.maximumPayloadBytes, 16 KiB of"
    echo "# text JSON-escaped at 6 bytes per byte + 4 KiB of other fields = 100 KiB; a v2 direct"
    echo "# message carries that encrypted in base64 (4/3: ~134 KiB). 256 KiB leaves room for the"
    echo "# topic and headers. Nobody can make the broker pass 100 MB to every page (3 x 100 MB went"
    echo "# through without these). Over TCP a larger packet gets its sender disconnected; mosquitto"
    echo "# 2.0.11 does not apply max_packet_size to WebSocket clients, so message_size_limit drops"
    echo "# a larger payload from them (acknowledged, passed to nobody)."
    echo "max_packet_size 262144"
    echo "message_size_limit 262144"
    echo "per_listener_settings false"
    echo "# Who may use which topics: $acl (written below)."
    echo "acl_file $acl"
    echo "listener $MQTT_PORT $MQTT_BIND"
    echo "listener $WS_PORT $BIND"
    echo "protocol websockets"
    echo "# mosquitto 2.0.11 gives a WebSocket listener's address to libwebsockets only with"
    echo "# socket_domain set: without it, 'listener $WS_PORT $BIND' listens on every address."
    echo "socket_domain $ws_domain"
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
    genpass_args+=(--scheme strong --salt="$salt")
    export CHATT_SCHEME=strong CHATT_SCHEME_SALT=$salt
else
    export CHATT_SCHEME=legacy
    unset CHATT_SCHEME_SALT
fi
echo "$scheme" >"$scheme_file"

# The broker account of chatt-memorize: its own login and a random password made once and
# kept here (mode 600), given to memorize only. Members cannot log in as memorize.
memorize_login=chatt-memorize
memorize_secret=$DATA_DIR/memorize-broker-password
if ! [ -s "$memorize_secret" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$memorize_secret")
fi
chmod 600 "$memorize_secret"
memorize_password=$(<"$memorize_secret")
passwords=$DATA_DIR/mosquitto/passwords
rm -f "$passwords"
(umask 077; mosquitto_passwd -c -b "$passwords" "$memorize_login" "$memorize_password" >/dev/null)

if [ -n "$PASSPHRASE" ]; then
    creds=$(printf '%s' "$PASSPHRASE" | "$bin/chatt-genpass" "${genpass_args[@]}" -) || fail "cannot derive the credentials from PASSPHRASE (scheme $scheme)"
    login=$(sed -n 's/^USER=//p' <<<"$creds")
    password=$(sed -n 's/^PASS=//p' <<<"$creds")
    mosquitto_passwd -b "$passwords" "$login" "$password" >/dev/null
    members="user $login"
    echo "allow_anonymous false" >>"$conf"
    export CHATT_USER=$login CHATT_PASS=$password
    say "protected by the passphrase ($scheme scheme; the MQTT login is as secret as the password)"
else
    echo "allow_anonymous true" >>"$conf"
    members="# anonymous clients (lines before any 'user' line)"
    unset CHATT_USER CHATT_PASS PASS
    say "WARNING: no PASSPHRASE set: the chat is UNPROTECTED, anyone who reaches ports $HTTP_PORT and $WS_PORT can read and write"
fi

echo "password_file $passwords" >>"$conf"
# Who may use which topics: the members (the passphrase's login, or anonymous clients on an
# unprotected chat) and memorize, rooms/#, users/# and direct/# only; everything else, $SYS/#
# included, is refused. mosquitto 2.0.11 grants every SUBSCRIBE and applies these lines when
# it delivers, by the message's topic: a $share/GROUP/rooms/# subscription still gets its
# turn. Retained messages cannot be limited here (v2 retains users/<nick>/presence and
# users/<nick>/key). docs/scaling.md says what remains.
{
    echo "# Written by run.sh on each start."
    for section in "$members" "user $memorize_login"; do
        echo "$section"
        printf 'topic readwrite %s\n' 'rooms/#' 'users/#' 'direct/#'
    done
} >"$acl"

# The parts, by name: the pid of each, and how to start it again. run.sh supervises them:
# one that stops is started again (after 1 s, doubling up to 30 s while it keeps stopping
# within a minute); Ctrl-C or SIGTERM stops them all, newest first.
declare -A part_pid part_delay part_since
part_order=()
stopping=""
stop() {
    trap - INT TERM EXIT
    stopping=yes
    say "stopping…"
    # A chatt-push build still running in the background is not left behind.
    if [ -n "${push_build_pid:-}" ]; then
        pkill -TERM -P "$push_build_pid" 2>/dev/null || true
        kill -TERM "$push_build_pid" 2>/dev/null || true
        wait "$push_build_pid" 2>/dev/null || true
    fi
    for (( i=${#part_order[@]}-1; i>=0; i-- )); do
        local pid=${part_pid[${part_order[i]}]:-}
        [ -n "$pid" ] || continue
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

start_part() {  # name: runs start_<name> in the background and records its pid
    "start_$1" &
    part_pid[$1]=$!
    part_since[$1]=$SECONDS
    [[ " ${part_order[*]} " == *" $1 "* ]] || part_order+=("$1")
}

wait_port() {  # port name pid
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        kill -0 "$3" 2>/dev/null || fail "$2 stopped at start; see the messages above"
        sleep 0.1
    done
    fail "$2 does not listen on port $1"
}

# Before issue 14, chatt-memorize's client id was chatt-memorize-<host>; now it makes a random
# one. After that upgrade the broker still holds the old session: it queues every message for
# nobody (up to max_queued_messages) and holds what arrived during the upgrade. Once, hand
# what it holds to memorize and end it, as docs/scaling.md retires an instance.
end_old_session() {
    local id lines count printed=-1 status
    id=chatt-memorize-$(hostname | cut -d. -f1 | tr -cd 'A-Za-z0-9-' | cut -c1-40)
    lines=$DATA_DIR/old-session.lines
    local sub=(mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -u "$memorize_login" -P "$memorize_password" -i "$id")
    : >"$lines"
    for _ in 1 2 3 4 5; do  # until a run prints nothing more: the first one leaves rooms/# and users/#
        status=0
        "${sub[@]}" -c -q 1 -v -W 2 -t chatt/retire -U 'rooms/#' -U 'users/#' >>"$lines" || status=$?
        [ "$status" -eq 0 ] || [ "$status" -eq 27 ] || fail "cannot resume the old session $id (mosquitto_sub exit $status)"
        count=$(wc -l <"$lines")
        [ "$count" -eq "$printed" ] && break
        printed=$count
    done
    "$bin/chatt-memorize" --db "$DATA_DIR/chatt.db" --no-greet --no-reverse-dns <"$lines" \
        || fail "cannot store what the old session $id held (kept in $lines)"
    "${sub[@]}" -t chatt/retire -E || fail "cannot end the old session $id"
    rm -f "$lines"
    touch "$old_session_ended"
    say "ended chatt-memorize's old broker session $id; the $count messages it held are stored"
}
old_session_ended=$DATA_DIR/mosquitto/old-memorize-session-ended
[ -e "$DATA_DIR/mosquitto/mosquitto.db" ] || touch "$old_session_ended"  # a new broker never had it

start_mosquitto() { exec mosquitto -c "$conf"; }
start_memorize() {
    CHATT_USER=$memorize_login CHATT_PASS=$memorize_password exec "$bin/chatt-memorize" --subscribe \
        --broker "mqtt://127.0.0.1:$MQTT_PORT" --db "$DATA_DIR/chatt.db"
}
start_push() {
    CHATT_USER=$memorize_login CHATT_PASS=$memorize_password exec "$push_bin" \
        --broker "mqtt://127.0.0.1:$MQTT_PORT" --db "$DATA_DIR/chatt.db"
}
server_args=(--db "$DATA_DIR/chatt.db" --bind "$BIND" --port "$HTTP_PORT" --ws-port "$WS_PORT")
start_server() { HOST=$HOST WS_ENDPOINTS=${WS_ENDPOINTS:-} exec "$bin/chatt-server" "${server_args[@]}"; }

start_part mosquitto
wait_port "$MQTT_PORT" mosquitto "${part_pid[mosquitto]}"
[ -e "$old_session_ended" ] || end_old_session
start_part memorize
start_part server
wait_port "$HTTP_PORT" chatt-server "${part_pid[server]}"

push_now=""
if [ -z "$push_bin" ]; then
    say "Web Push is off: CHATT_BIN_DIR has no chatt-push"
elif push_current || [ -n "${CHATT_BIN_DIR:-}" ]; then
    start_part push
    push_now=yes
fi
step "ready: open http://${HOST:-localhost}:$HTTP_PORT/  (Ctrl-C stops everything; data in $DATA_DIR)"
if [ -n "$push_now" ]; then
    say "chatt-push runs: Web Push notifications on"
elif [ -n "$push_bin" ]; then
    step "building chatt-push (Web Push) in the background; the chat works meanwhile (log: .build/run-sh-push-build.log)"
    build_push &
    push_build_pid=$!
fi
while true; do
    # Every second, every part: one that ended (whatever else happened meanwhile, a signal
    # or another part's restart) is started again. A signal ends the wait at once.
    sleep 1 & wait $! || true
    [ -z "$stopping" ] || break
    if [ -n "$push_build_pid" ] && ! kill -0 "$push_build_pid" 2>/dev/null; then
        if wait "$push_build_pid" && push_current; then
            start_part push
            step "chatt-push built and started: Web Push notifications on"
        else
            say "WARNING: the chatt-push build failed; the chat runs without Web Push (see .build/run-sh-push-build.log)"
        fi
        push_build_pid=""
    fi
    for name in "${part_order[@]}"; do
        kill -0 "${part_pid[$name]}" 2>/dev/null && continue
        delay=${part_delay[$name]:-1}
        if (( SECONDS - part_since[$name] > 60 )); then delay=1; fi
        say "$name stopped; starting it again in ${delay}s"
        sleep "$delay" & wait $! || true
        [ -z "$stopping" ] || break
        part_delay[$name]=$(( delay * 2 > 30 ? 30 : delay * 2 ))
        start_part "$name"
        say "$name started again (pid ${part_pid[$name]})"
    done
done
