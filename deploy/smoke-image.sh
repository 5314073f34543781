#!/usr/bin/env bash
# Smoke-tests a built GitDone image the way it runs in production: a PostgreSQL, the
# release's migrate step, one server (read-only filesystem, non-root), then the smoke test
# from inside the image. Needs a Docker engine. The release workflow runs it before pushing.
#
#   docker build -t gitdone:dev . && deploy/smoke-image.sh gitdone:dev
set -euo pipefail

image=${1:?usage: smoke-image.sh <image>}
run=gitdone-smoke-$$
secret=smoke-$RANDOM$RANDOM
db_url=postgres://postgres:smoke@$run-db:5432/postgres
tmp=$(mktemp -d)
cleanup() {
  docker rm -f "$run-app" "$run-db" >/dev/null 2>&1 || true
  docker network rm "$run" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

docker network create "$run" >/dev/null
docker run -d --name "$run-db" --network "$run" -e POSTGRES_PASSWORD=smoke postgres:17 >/dev/null
# Over TCP: during initdb the image's temporary server listens on its socket only.
for _ in $(seq 1 60); do
  docker exec "$run-db" pg_isready -q -h 127.0.0.1 -U postgres && break
  sleep 1
done

# A throwaway App key: nothing here talks to GitHub. Readable by the image's node user.
openssl genrsa -out "$tmp/app.pem" 2048 2>/dev/null
chmod 0444 "$tmp/app.pem"

echo "== migrate"
docker run --rm --network "$run" --read-only -e NODE_ENV=production -e DATABASE_URL="$db_url" \
  "$image" node dist/src/migrate.js

echo "== serve"
docker run -d --name "$run-app" --network "$run" --read-only --tmpfs /tmp --cap-drop ALL \
  -e APP_ID=1 -e WEBHOOK_SECRET="$secret" -e DATABASE_URL="$db_url" -e METRICS_PORT=9464 \
  -e PUBLIC_URL=http://127.0.0.1:3000 -e PRIVATE_KEY_PATH=/run/secrets/app.pem \
  -v "$tmp/app.pem:/run/secrets/app.pem:ro" "$image" >/dev/null
ready=0
for _ in $(seq 1 60); do
  if docker exec "$run-app" node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    ready=1
    break
  fi
  sleep 1
done

echo "== smoke"
if [ "$ready" != 1 ] || ! docker exec -e WEBHOOK_SECRET="$secret" "$run-app" node dist/src/smoke.js http://127.0.0.1:3000; then
  echo "the image failed its smoke test; its log:" >&2
  docker logs --tail 100 "$run-app" >&2
  exit 1
fi

echo "== graceful stop"
docker stop --time 30 "$run-app" >/dev/null
code=$(docker inspect --format '{{.State.ExitCode}}' "$run-app")
if [ "$code" != 0 ]; then
  echo "the server exited $code on SIGTERM, expected 0; its log:" >&2
  docker logs --tail 50 "$run-app" >&2
  exit 1
fi
echo "image $image: smoke ok"
