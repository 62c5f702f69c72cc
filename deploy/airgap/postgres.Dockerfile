# PostgreSQL from Debian's packages, for a site that cannot pull postgres:16
# (deploy/docker-compose.airgap.yml, docs/DEPLOYMENT.md). Behaves as the official image does for
# deploy/docker-compose.yml: on an empty PGDATA volume it initialises the cluster with
# POSTGRES_USER / POSTGRES_PASSWORD, runs /docker-entrypoint-initdb.d/*.sh (our
# init-databases.sh) against a socket-only server, then serves on every address with password
# authentication. Build context: the repository root.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
# No cluster from the package's own postinst: the entrypoint makes the one in the volume.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
    && echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/ems.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/run/postgresql /var/lib/postgresql/data /docker-entrypoint-initdb.d \
    && chown -R postgres:postgres /var/run/postgresql /var/lib/postgresql \
    && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY deploy/airgap/postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
