#!/usr/bin/env bash
# Deploys one GitDone release from a kustomize overlay: migrations first, once, then the pods.
#
#   deploy/kubernetes/release.sh deploy/kubernetes/example        # uses kubectl's current context
#   KUBECTL="kubectl --context prod" deploy/kubernetes/release.sh my-overlay
#
# 1. delete the previous release's finished migrate Job (a Job cannot be changed in place);
# 2. create this release's Job and wait until it has applied the migrations;
# 3. apply everything (the Job is now unchanged) and wait for the rollout.
# A failed migration stops here: the running pods are left as they were.
set -euo pipefail

overlay=${1:?usage: release.sh <kustomize overlay directory>}
kubectl=${KUBECTL:-kubectl}
timeout=${RELEASE_TIMEOUT:-10m}
# The namespace the overlay deploys to: every command below must act there.
namespace=$($kubectl kustomize "$overlay" | awk '/^  namespace: / { print $2; exit }')
ns=(--namespace "${namespace:-default}")

echo "== migrations (job/gitdone-migrate in ${ns[1]})"
$kubectl "${ns[@]}" delete job gitdone-migrate --ignore-not-found --wait=true
$kubectl "${ns[@]}" apply -k "$overlay" --selector app.kubernetes.io/component=migrate
if ! $kubectl "${ns[@]}" wait job/gitdone-migrate --for=condition=complete --timeout="$timeout"; then
  echo "migrations did not complete; the running release is untouched. The Job's log:" >&2
  $kubectl "${ns[@]}" logs job/gitdone-migrate --tail=50 >&2 || true
  exit 1
fi

echo "== rollout"
$kubectl "${ns[@]}" apply -k "$overlay"
$kubectl "${ns[@]}" rollout status deployment/gitdone --timeout="$timeout"
echo "== released; now run the smoke test: npm run smoke -- <PUBLIC_URL>"
