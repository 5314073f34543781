# syntax=docker/dockerfile:1
# GitDone: build with dev dependencies, run with production ones only, as a non-root user.
# Node 24 is an LTS line that every dependency supports; bump NODE_VERSION with care.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: the lock file is written on a registry mirror without other
# platforms' optional binaries, which npm ci would count as missing. Versions stay locked.
RUN npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY db ./db
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. The embedded database (embedded-postgres and its binaries) is
# a devDependency: production always has DATABASE_URL. test/deploy/image.test.ts installs with
# these same flags and runs the build on the result.
RUN npm install --no-audit --no-fund --omit=dev --omit=optional --ignore-scripts && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json app.yml ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: node itself is PID 1 and gets SIGTERM, which GitDone answers by draining.
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
