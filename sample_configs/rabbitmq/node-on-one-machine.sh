#!/usr/bin/env bash
# Runs node N (1, 2 or 3) of a three-node cluster on ONE machine, in the foreground, as
# the current user, without the system service: node name chattN@localhost, its data and
# logs in DIR/nodeN, the cluster's cookie in DIR/.erlang.cookie (made on the first start).
# rabbitmq.conf beside this script is used with only the node names, ports and listen
# address changed. Start the three (three terminals, or units), then setup-user.sh once:
#   sample_configs/rabbitmq/node-on-one-machine.sh 1 /var/lib/chatt-rabbit &
#   sample_configs/rabbitmq/node-on-one-machine.sh 2 /var/lib/chatt-rabbit &
#   sample_configs/rabbitmq/node-on-one-machine.sh 3 /var/lib/chatt-rabbit &
#   HOME=/var/lib/chatt-rabbit RABBITMQCTL="/usr/lib/rabbitmq/bin/rabbitmqctl -n chatt1@localhost" \
#       CHATT_USER=... CHATT_PASS=... sample_configs/rabbitmq/setup-user.sh
# Ports of node N (override with the variables): MQTT_PORT 1882+N, WS_PORT 15674+N,
# AMQP_PORT 5671+N, DIST_PORT 25671+N (Erlang distribution); BIND (default 127.0.0.1).
# ERL_EPMD_PORT, when set, gives the cluster an epmd of its own (default 4369).
# This is how e2e/test_rabbitmq_cluster.py starts (and kills, and restarts) its nodes.
set -euo pipefail
n=${1:?usage: node-on-one-machine.sh N DIR}
dir=${2:?usage: node-on-one-machine.sh N DIR}
case "$n" in 1|2|3) ;; *) echo "error: N is 1, 2 or 3, not $n" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
bind=${BIND:-127.0.0.1}
node_dir="$dir/node$n"
mkdir -p "$node_dir"
dir=$(cd "$dir" && pwd); node_dir="$dir/node$n"

# The cookie: any secret, the same for the three nodes and rabbitmqctl (found in $HOME).
if [ ! -e "$dir/.erlang.cookie" ]; then
    (umask 077; head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/.erlang.cookie")
    chmod 400 "$dir/.erlang.cookie"
fi

sed -e "s/^cluster_formation\.classic_config\.nodes\.\([123]\) = .*/cluster_formation.classic_config.nodes.\1 = chatt\1@localhost/" \
    -e "s/^mqtt\.listeners\.tcp\.default = .*/mqtt.listeners.tcp.default = $bind:${MQTT_PORT:-$((1882 + n))}/" \
    -e "s/^web_mqtt\.tcp\.port = .*/web_mqtt.tcp.port = ${WS_PORT:-$((15674 + n))}\nweb_mqtt.tcp.ip = $bind/" \
    "$here/rabbitmq.conf" > "$node_dir/rabbitmq.conf"
cp "$here/enabled_plugins" "$node_dir/enabled_plugins"

export HOME="$dir"
export RABBITMQ_NODENAME="chatt$n@localhost"
export RABBITMQ_NODE_IP_ADDRESS="$bind"
export RABBITMQ_NODE_PORT="${AMQP_PORT:-$((5671 + n))}"
export RABBITMQ_DIST_PORT="${DIST_PORT:-$((25671 + n))}"
export RABBITMQ_CONFIG_FILE="$node_dir/rabbitmq.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$node_dir/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$node_dir/mnesia"
export RABBITMQ_LOG_BASE="$node_dir/log"
export RABBITMQ_PLUGINS_EXPAND_DIR="$node_dir/plugins-expand"
export RABBITMQ_PID_FILE="$node_dir/pid"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {${bind//./,}}"
export ERL_EPMD_ADDRESS="$bind"
# Logs on standard output (the unit's journal, or the test's log file).
export RABBITMQ_LOGS=-
exec /usr/lib/rabbitmq/bin/rabbitmq-server
