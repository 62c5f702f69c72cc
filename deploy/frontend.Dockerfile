# The frontend image: the React app built with Node (frontend/, `npm run build` -> dist/),
# served by nginx with client-side routes falling back to index.html. Traefik sends `/` here.
# Build context: the repository root (deploy/docker-compose.yml: context ..).

FROM node:22-bookworm-slim AS build
WORKDIR /src
# Dependencies first, exactly as locked, so a source change does not reinstall them.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM nginx:1.27-alpine
COPY deploy/frontend/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/dist/ /usr/share/nginx/html/
EXPOSE 80
