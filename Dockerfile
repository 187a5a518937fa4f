# syntax=docker/dockerfile:1
# One image recipe for every Happy Chat service; pick the service with the APP build argument:
#   docker build --target runtime --build-arg APP=gateway -t happychat-gateway .
# (docker-compose.yml does this for gateway, auth, room and history.)

# ---- Stage 1: install all dependencies and build the server and the web client ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- Stage 2: production dependencies + compiled output, run as the unprivileged `node` user ----
FROM node:20-bookworm-slim AS runtime
ARG APP
RUN test -n "$APP" || (echo "build with --build-arg APP=<gateway|auth|room|history>" >&2; exit 1)
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# For `node scripts/migrate.mjs` (apply migrations before a rolling upgrade; docs/operations.md).
COPY --from=build /app/scripts/migrate.mjs ./scripts/migrate.mjs
COPY --from=build /app/scripts/lib ./scripts/lib
USER node
EXPOSE 3000 3001 3002 3003
# `exec` so that node is the process receiving SIGTERM from `docker stop` (graceful shutdown).
# reflect-metadata is preloaded: decorator metadata must exist before the first decorated class
# loads, whatever order the entry point imports things in.
CMD ["sh", "-c", "exec node --require reflect-metadata dist/apps/${APP}/src/main.js"]
