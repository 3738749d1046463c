# bigcommerce-sync image: one image, every role (worker, api, sandbox, hooks ...), picked by the
# command: `docker run IMAGE worker`, `docker run IMAGE api`, `docker run IMAGE sandbox`.
#
# Debian bookworm-slim, not Alpine: the Temporal worker's native bridge ships prebuilt in
# @temporalio/core-bridge for glibc Linux only (x86_64 and aarch64 *-linux-gnu), so it does not
# load on musl. The worker bundles the workflow code with webpack when it starts (webpack and swc
# are regular dependencies of @temporalio/worker), so the runtime needs nothing beyond the
# production node_modules and the compiled dist/.

# Base image: Node 24 (an LTS line, supported until April 2028; Node 20 reached its end of life on
# 2026-04-30) on Debian bookworm-slim, pinned by digest: the tag moves with every Node and Debian
# patch release, the digest does not, so a rebuild gets exactly the base that was reviewed. The
# digest below was published for node:24-bookworm-slim when that tag was Node 24.18.0 (current in
# July 2026). To move it: `docker buildx imagetools inspect node:24-bookworm-slim` prints the tag's
# current digest (docs/supply-chain.md). To build from another image (a registry mirror, a newer
# patch), override the whole reference: docker build --build-arg NODE_IMAGE=<image>@sha256:<digest> .
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

# ---- build: install everything, compile TypeScript to dist/ (the sandbox package to sandbox/dist/), drop dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

COPY package.json package-lock.json tsconfig.json ./
# The sandbox is an npm workspace (sandbox/package.json): npm ci links it and installs its dependencies.
COPY sandbox/package.json ./sandbox/
RUN npm ci --no-audit --no-fund

COPY config ./config
COPY lib ./lib
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY connectors ./connectors
COPY clients ./clients
COPY workers ./workers
COPY api ./api
# The sandbox package's sources and build settings only (its tests and benches stay out of the image).
COPY sandbox/tsconfig.json sandbox/*.ts ./sandbox/
COPY sandbox/bigcommerce ./sandbox/bigcommerce
COPY sandbox/erp ./sandbox/erp
COPY sandbox/oms ./sandbox/oms
COPY sandbox/crm ./sandbox/crm
COPY sandbox/marketing ./sandbox/marketing
COPY cli ./cli
COPY bin ./bin

RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# The production profile: `bcsync sandbox` refuses to start here unless BCSYNC_PROFILE=sandbox
# (docker-compose.sandbox.yml), and no dev dependency is installed (pino-pretty, the test server).
ENV NODE_ENV=production
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# `sandbox` and `dev` load the sandbox package (node_modules/@bigcommerce-sync/sandbox links here).
COPY --from=build /app/sandbox/package.json ./sandbox/package.json
COPY --from=build /app/sandbox/dist ./sandbox/dist
COPY --from=build /app/bin ./bin

# The app files stay root-owned (read-only to the process); .data is the one place it may write
# (`bcsync dev`/`sandbox --data-dir`; compose runs the containers read-only with a tmpfs /tmp instead).
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node

# api 3000, BigCommerce sandbox 4010, ERP sandbox 4020, OMS sandbox 4030 (only the roles that listen use them).
EXPOSE 3000 4010 4020 4030

ENTRYPOINT ["node", "dist/cli/bcsync.js"]
CMD ["worker"]
