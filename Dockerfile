# syntax=docker/dockerfile:1
# The monorepo as one image with three commands: apex-miner, apex-validator, apex-localnet.
#   docker build -t apex-ts:local .      (docker-compose.yml builds it for you)

# ---- build: install everything, compile every workspace, then drop dev dependencies -------------------------
FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles from source with node-gyp (npm_config_build_from_source below): every byte of it comes
# from the lockfile-checked npm tarball, none from a binary download the lockfile does not cover.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV CI=true TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 npm_config_build_from_source=true
WORKDIR /app

# Manifests first, so the dependency layer is cached until a package.json or the lockfile changes.
# (apps/localnet/test/compose.test.ts checks this list against the workspaces on disk.)
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/localnet/package.json apps/localnet/
COPY apps/miner/package.json apps/miner/
COPY apps/validator/package.json apps/validator/
COPY packages/chain/package.json packages/chain/
COPY packages/db/package.json packages/db/
COPY packages/llm/package.json packages/llm/
COPY packages/protocol/package.json packages/protocol/
COPY packages/wallet/package.json packages/wallet/
COPY packages/yuma/package.json packages/yuma/
# pnpm at the version package.json's packageManager names (the one place it is written).
RUN npx -y "$(node -p 'require("./package.json").packageManager')" install --frozen-lockfile

COPY . .
# Build, then reinstall from scratch out of the local store without devDependencies (no network; the
# compiled better-sqlite3 comes from pnpm's side-effects cache). An in-place --prod install would keep the dev
# packages in node_modules/.pnpm: this way node_modules is about half the size. Tests are dropped too.
RUN PNPM="$(node -p 'require("./package.json").packageManager')" \
  && npx -y "$PNPM" exec turbo run build \
  && rm -rf node_modules apps/*/node_modules packages/*/node_modules \
  && npx -y "$PNPM" install --prod --frozen-lockfile --offline \
  && rm -rf apps/*/test packages/*/test bench .turbo apps/*/.turbo packages/*/.turbo

# ---- runtime: Node and the built workspaces only ----------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production BT_WALLET_PATH=/wallets
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN for cmd in miner validator localnet; do \
      printf '#!/bin/sh\nexec node /app/apps/%s/dist/cli.js "$@"\n' "$cmd" > "/usr/local/bin/apex-$cmd"; \
      chmod 755 "/usr/local/bin/apex-$cmd"; \
    done \
  && mkdir -p /wallets /data \
  && chown node:node /wallets /data
USER node
VOLUME ["/wallets", "/data"]
# 8091 miner, 8001 validator status, 8787 dashboard.
EXPOSE 8091 8001 8787
CMD ["apex-localnet", "--help"]
