#!/usr/bin/env bash
# `make demo`: build-and-propose examples/web-api against the embedded registry and local Gitea.
# Seeds the GitOps repository slipway/gitops from examples/gitops the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
PORT="${SLIPWAY_GITEA_PORT:-3000}"
FORGE="http://127.0.0.1:$PORT"
REPO="$FORGE/slipway/gitops.git"
TOKEN_FILE="$CACHE/gitea/token"
auth() { printf 'Authorization: Basic %s' "$(printf 'slipway:%s' "$(cat "$TOKEN_FILE")" | base64 -w0)"; }

status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: token $(cat "$TOKEN_FILE")" \
  "$FORGE/api/v1/repos/slipway/gitops")
if [ "$status" = 404 ]; then
  echo "==> seeding $REPO from examples/gitops"
  curl -fsS -o /dev/null -H "Authorization: token $(cat "$TOKEN_FILE")" -H 'Content-Type: application/json' \
    -d '{"name": "gitops", "default_branch": "main"}' "$FORGE/api/v1/user/repos"
  seed=$(mktemp -d)
  cp -r examples/gitops/. "$seed/"
  git -C "$seed" init -q -b main
  git -C "$seed" add -A
  git -C "$seed" -c user.name=slipway -c user.email=slipway@localhost commit -qm "Seed GitOps repository"
  git -C "$seed" -c "http.extraHeader=$(auth)" push -q "$REPO" main
  rm -rf "$seed"
fi

.venv/bin/slipway run build-and-propose --source examples/web-api \
  --repo "$REPO" --token "file:$TOKEN_FILE"

bash demo/loop.sh
