# syntax=docker/dockerfile:1
# GitDone: build with dev dependencies, run with production ones only, as a non-root user.
# Node 26: the Active LTS line since October 2026 (supported until April 2029), where 24 has
# moved to maintenance and 20 is past its end of life. The production dependencies are plain
# JavaScript (no native addons), so nothing in them is tied to one Node ABI. The test suite
# runs on whatever Node the CI machine has; build with --build-arg NODE_VERSION=24 to match
# an older line. Debian 13 (trixie), the current stable, under it; the image installs no
# Debian packages, so the distribution only matters for security updates.
ARG NODE_VERSION=26

FROM node:${NODE_VERSION}-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: the lock file is written on a registry mirror without other
# platforms' optional binaries, which npm ci would count as missing. Versions stay locked.
RUN npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY db ./db
RUN npm run build

FROM node:${NODE_VERSION}-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. The embedded database (embedded-postgres and its binaries) is
# a devDependency: production always has DATABASE_URL. test/deploy/image.test.ts installs with
# these same flags and runs the build on the result.
RUN npm install --no-audit --no-fund --omit=dev --omit=optional --ignore-scripts && npm cache clean --force

FROM node:${NODE_VERSION}-trixie-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json app.yml ./
USER node
EXPOSE 3000
# The key: mount it and set PRIVATE_KEY_PATH, or pass it base64-encoded in PRIVATE_KEY
# (docs/configuration.md). `docker stop` allows 10 s; GitDone's shutdown may take up to
# GITDONE_SHUTDOWN_TIMEOUT_MS (20 s): use `docker stop -t 30` or lower the timeout.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: node itself is PID 1 and gets SIGTERM, which GitDone answers by draining
# (no --exit-with-parent: PID 1 has no parent to lose).
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
