# RabbitMQ from Debian's packages (3.10) with its management plugin, for a site that cannot
# pull rabbitmq:3-management (deploy/docker-compose.airgap.yml, docs/DEPLOYMENT.md). The compose
# file's rabbitmq service runs deploy/rabbitmq/init.sh (the identities as a definitions file in
# /etc/rabbitmq/conf.d) and then `docker-entrypoint.sh rabbitmq-server`, which this image
# provides: the data folder's owner fixed, then the server as the rabbitmq user, logging to the
# console. Build context: the repository root.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends rabbitmq-server \
    && rm -rf /var/lib/apt/lists/* \
    && rabbitmq-plugins enable --offline rabbitmq_management \
    && mkdir -p /etc/rabbitmq/conf.d \
    && printf 'loopback_users.guest = true\nlisteners.tcp.default = 5672\nmanagement.tcp.port = 15672\n' \
        >/etc/rabbitmq/conf.d/10-defaults.conf \
    && chown -R rabbitmq:rabbitmq /etc/rabbitmq /var/lib/rabbitmq
# Debian's /usr/sbin wrappers send the server's output to files under /var/log/rabbitmq and
# switch users themselves: the real scripts come first on PATH instead, as in the official image
# (HOME holds the Erlang cookie the CLI tools share with the server).
ENV PATH=/usr/lib/rabbitmq/bin:$PATH \
    RABBITMQ_LOGS=- \
    HOME=/var/lib/rabbitmq
COPY deploy/airgap/rabbitmq-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
EXPOSE 5672 15672
CMD ["rabbitmq-server"]
