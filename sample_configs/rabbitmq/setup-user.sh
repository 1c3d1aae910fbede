#!/usr/bin/env bash
# The chat's only RabbitMQ user: the passphrase's derived pair (chatt-genpass), with the
# permissions ChaTT needs and no more. Run once, on any node of the running cluster (users
# and permissions are cluster-wide):
#   (. /etc/chatt/chatt.env; CHATT_USER=$CHATT_USER CHATT_PASS=$CHATT_PASS sample_configs/rabbitmq/setup-user.sh)
# RABBITMQCTL overrides the command (e.g. "rabbitmqctl -n rabbit@chatt-rabbit2").
set -euo pipefail
: "${CHATT_USER:?CHATT_USER: the login of chatt-genpass}" "${CHATT_PASS:?CHATT_PASS: its password}"
ctl=(${RABBITMQCTL:-rabbitmqctl})

# The default guest/guest account goes.
"${ctl[@]}" delete_user guest >/dev/null 2>&1 || true
# The password on stdin: it stays out of the process list.
"${ctl[@]}" add_user "$CHATT_USER" <<<"$CHATT_PASS" >/dev/null
# configure: declare its session queues (mqtt-subscription-<client id>qos0/qos1);
# write: publish to amq.topic, bind its queues; read: bind to amq.topic, consume its queues.
"${ctl[@]}" set_permissions -p / "$CHATT_USER" \
    '^mqtt-subscription-.*' '^(amq\.topic|mqtt-subscription-.*)$' '^(amq\.topic|mqtt-subscription-.*)$' >/dev/null
# The MQTT topics of ChaTT only (RabbitMQ sees rooms/main/newtext as rooms.main.newtext):
# publish (write) and subscribe (read) under rooms/, users/ and direct/, like the mosquitto ACL.
"${ctl[@]}" set_topic_permissions -p / "$CHATT_USER" amq.topic \
    '^(rooms|users|direct)\.' '^(rooms|users|direct)\.' >/dev/null
echo "RabbitMQ user $CHATT_USER: set"
