#!/bin/sh
# The rabbitmq containers' health check (deploy/docker-compose.yml): the node runs RabbitMQ and,
# in a cluster (RABBITMQ_CLUSTER_NODES, the HA profile), the cluster was complete once. Until
# every node has joined for the first time no node is healthy, so the services, which wait for
# a healthy broker, declare their quorum queues on all the nodes, not on the first alone. After
# that a node is healthy on its own: a cluster that lost one node still serves.
set -eu
rabbitmq-diagnostics -q check_running >/dev/null || { echo "rabbitmq is not running"; exit 1; }
[ -n "${RABBITMQ_CLUSTER_NODES:-}" ] || exit 0
formed="${EMS_RABBITMQ_DATA_DIR:-/var/lib/rabbitmq}/.ems-cluster-formed"
[ ! -f "$formed" ] || exit 0
wanted=$(printf '%s' "$RABBITMQ_CLUSTER_NODES" | tr ',' '\n' | grep -c .)
running=$(rabbitmqctl -q eval 'length(rabbit_mnesia:cluster_nodes(running)).')
if [ "$running" -lt "$wanted" ]; then
    echo "cluster forming: $running of $wanted nodes running"
    exit 1
fi
touch "$formed"
