#!/bin/sh
# RabbitMQ's start in deploy/airgap/rabbitmq.Dockerfile: as root only to fix the data folder's
# owner (a new volume), then the command (rabbitmq-server) as the rabbitmq user.
set -eu
if [ "$(id -u)" = 0 ]; then
    mkdir -p /var/lib/rabbitmq
    chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
    exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$0" "$@"
fi
exec "$@"
