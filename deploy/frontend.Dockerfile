# The frontend image: the React app built with Node (frontend/, `npm run build` -> dist/),
# served by nginx with client-side routes falling back to index.html. Traefik sends `/` here.
# Build context: the repository root (deploy/docker-compose.yml: context ..).
#
# Base images are build arguments (the official ones by default). NGINX_IMAGE may be any Debian
# bookworm image: Debian's nginx is installed then (deploy/docker-compose.airgap.yml).
# FRONTEND_BUILD=host takes the app built beforehand on the host (frontend/dist, from
# `npm run build` there) instead of building it here: the air-gapped path, as Debian's Node 18
# is too old for the app's Vite (Node 20.19 or later). BuildKit (compose v2) builds only the
# stage chosen, so the default needs no frontend/dist.
ARG NODE_IMAGE=node:22-bookworm-slim
ARG NGINX_IMAGE=nginx:1.27-alpine
ARG FRONTEND_BUILD=node

FROM ${NODE_IMAGE} AS build-node
WORKDIR /src
# Dependencies first, exactly as locked, so a source change does not reinstall them.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM scratch AS build-host
COPY frontend/dist/ /src/dist/

FROM build-${FRONTEND_BUILD} AS build

FROM ${NGINX_IMAGE}
RUN if ! command -v nginx >/dev/null; then \
        apt-get update \
        && apt-get install -y --no-install-recommends nginx-light wget \
        && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
        && ln -sf /dev/stdout /var/log/nginx/access.log \
        && ln -sf /dev/stderr /var/log/nginx/error.log; \
    fi
COPY deploy/frontend/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/dist/ /usr/share/nginx/html/
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
