# bigcommerce-sync image: one image, every role (worker, api, sandbox, hooks ...), picked by the
# command: `docker run IMAGE worker`, `docker run IMAGE api`, `docker run IMAGE sandbox`.
#
# Debian bookworm-slim, not Alpine: the Temporal worker's native bridge ships prebuilt in
# @temporalio/core-bridge for glibc Linux only (x86_64 and aarch64 *-linux-gnu), so it does not
# load on musl. The worker bundles the workflow code with webpack when it starts (webpack and swc
# are regular dependencies of @temporalio/worker), so the runtime needs nothing beyond the
# production node_modules and the compiled dist/.

# ---- build: install everything, compile TypeScript to dist/ (the sandbox package to sandbox/dist/), drop dev dependencies ----
FROM node:20-bookworm-slim AS build
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
COPY cli ./cli
COPY bin ./bin

RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# `sandbox` and `dev` load the sandbox package (node_modules/@bigcommerce-sync/sandbox links here).
COPY --from=build /app/sandbox/package.json ./sandbox/package.json
COPY --from=build /app/sandbox/dist ./sandbox/dist
COPY --from=build /app/bin ./bin

# The app files stay root-owned (read-only to the process); .data is the one place it may write.
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node

# api 3000, BigCommerce sandbox 4010, ERP sandbox 4020, OMS sandbox 4030 (only the roles that listen use them).
EXPOSE 3000 4010 4020 4030

ENTRYPOINT ["node", "dist/cli/bcsync.js"]
CMD ["worker"]
