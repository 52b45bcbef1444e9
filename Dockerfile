# syntax=docker/dockerfile:1
# Container image of the config service. Three stages so the runtime image holds only the compiled
# JavaScript and the production dependencies: no TypeScript, no dev tools, no npm cache.
#
#   docker build -t kafka-fleet/config-service:0.1.0 .
#
# One pinned base for every stage (a floating tag would change the runtime under a fixed image tag).
ARG NODE_IMAGE=node:20.20.0-bookworm-slim

# --- build: compile TypeScript to dist/ -------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# tsc only needs node-rdkafka's type declarations, not its native addon: skipping install scripts
# avoids a four-minute librdkafka compile and a compiler toolchain in this stage.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
RUN npm run build

# --- prod-deps: production node_modules only ---------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: the only production packages with install scripts are node-rdkafka (a native
# build the service never loads: it talks to Kafka through KafkaJS's admin client; a unit test
# checks its import graph) and @scarf/scarf (install telemetry). node-rdkafka is a dependency of
# the client library sharing this package.json; its unbuilt sources are removed as dead weight.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/node-rdkafka \
  && npm cache clean --force

# --- runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  KF_HOST=0.0.0.0 \
  KF_PORT=8080
WORKDIR /app
# Files stay owned by root and read-only to the service user: the process cannot rewrite its code.
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The node user of the base image, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# Docker and Compose use this; Kubernetes ignores it and runs its own probes (k8s/base).
# node:*-slim has no curl, so Node's own fetch asks the liveness route.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KF_PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node itself is PID 1: the service installs its own SIGTERM handler (Nest shutdown hooks), so
# no init shim is needed for a graceful stop.
CMD ["node", "dist/apps/config-service/src/main.js"]
