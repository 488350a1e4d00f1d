#!/usr/bin/env bash
# `make demo`, part 2: the GitOps closed loop on the local cluster.
# build-and-propose --wait → the demo merges the PR as the reviewer → Flux syncs the overlay →
# the rollout completes with the new digest; then rollback → Flux brings the previous image back.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
PORT="${SLIPWAY_GITEA_PORT:-3000}"
FORGE="http://127.0.0.1:$PORT"
NAME=gitops-flux
REPO="$FORGE/slipway/$NAME.git"
TOKEN_FILE="$CACHE/gitea/token"
NAMESPACE=web-api-dev
SLIPWAY=.venv/bin/slipway
api() { curl -fsS -H "Authorization: token $(cat "$TOKEN_FILE")" -H 'Content-Type: application/json' "$@"; }
auth() { printf 'Authorization: Basic %s' "$(printf 'slipway:%s' "$(cat "$TOKEN_FILE")" | base64 -w0)"; }

status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: token $(cat "$TOKEN_FILE")" \
  "$FORGE/api/v1/repos/slipway/$NAME")
if [ "$status" = 404 ]; then
  echo "==> seeding $REPO from examples/gitops-layouts/kustomize-images"
  api -o /dev/null -d "{\"name\": \"$NAME\", \"default_branch\": \"main\"}" "$FORGE/api/v1/user/repos"
  seed=$(mktemp -d)
  cp -r examples/gitops-layouts/kustomize-images/. "$seed/"
  git -C "$seed" init -q -b main
  git -C "$seed" add -A
  git -C "$seed" -c user.name=slipway -c user.email=slipway@localhost commit -qm "Seed GitOps repository"
  git -C "$seed" -c "http.extraHeader=$(auth)" push -q "$REPO" main
  rm -rf "$seed"
fi

echo "==> Flux syncs apps/web-api/overlays/dev of $REPO into namespace $NAMESPACE"
$SLIPWAY cluster namespace "$NAMESPACE"
$SLIPWAY cluster sync "$NAMESPACE" --repo "$REPO" --path apps/web-api/overlays/dev --namespace "$NAMESPACE"

# The app: examples/web-api as a checkout of its own, with the closed loop's slipway.yaml.
app="$CACHE/demo/web-api"
rm -rf "$app"
mkdir -p "$app"
cp -r examples/web-api/. "$app/"
cp demo/web-api-flux.slipway.yaml "$app/slipway.yaml"
git -C "$app" init -q -b main
git -C "$app" add -A
git -C "$app" -c user.name=slipway -c user.email=slipway@localhost commit -qm "web-api (demo)"
git -C "$app" remote add origin https://git.example.com/acme/web-api.git

gitops=(--repo "$REPO" --token "file:$TOKEN_FILE")
before=$(api "$FORGE/api/v1/repos/slipway/$NAME/pulls?state=open" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "==> build-and-propose --wait (the demo merges the PR as the reviewer)"
$SLIPWAY run build-and-propose --source "$app" "${gitops[@]}" --wait --wait-timeout 600 &
proposer=$!
number=""
while kill -0 "$proposer" 2>/dev/null; do
  number=$(api "$FORGE/api/v1/repos/slipway/$NAME/pulls?state=open" | python3 -c \
    'import json,sys; p=json.load(sys.stdin); print(p[0]["number"] if len(p) > int(sys.argv[1]) else "")' "$before")
  [ -n "$number" ] && break
  sleep 2
done
if [ -n "$number" ]; then
  echo "==> reviewer: merging $FORGE/slipway/$NAME/pulls/$number"
  api -o /dev/null -d '{"Do": "merge"}' "$FORGE/api/v1/repos/slipway/$NAME/pulls/$number/merge"
fi
wait "$proposer"
$SLIPWAY status --source "$app" "${gitops[@]}"

echo "==> rollback: revert the promotion; Flux brings the previous image back"
$SLIPWAY run rollback --source "$app" --env dev "${gitops[@]}"
for _ in $(seq 1 150); do
  if $SLIPWAY status --source "$app" "${gitops[@]}" --json | python3 -c \
    'import json,sys; e=json.load(sys.stdin)["environments"][0]; sys.exit(0 if e["rollout"] == "complete" and e["live_image"] == e["desired_image"] else 1)'; then
    break
  fi
  sleep 2
done
$SLIPWAY status --source "$app" "${gitops[@]}"
