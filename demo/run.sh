#!/usr/bin/env bash
# `make demo`, part 1: build-and-propose examples/web-api against the embedded registry and local
# Gitea, up to the first PR. Seeds the GitOps repository slipway/gitops from examples/gitops the
# first time. Part 2, the closed loop, is demo/loop.sh, once the local cluster is up.
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

# Supply chain: a key pair for this run; the app (a checkout of its own) names its public key,
# and the build signs and attests the digest it publishes with the private one.
keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT
echo "==> slipway keys generate (a cosign key pair for this demo)"
.venv/bin/slipway keys generate --out "$keys/pair"
app="$CACHE/demo/web-api-signed"
rm -rf "$app"
mkdir -p "$app"
cp -r examples/web-api/. "$app/"
cp "$keys/pair/cosign.pub" "$app/cosign.pub"
printf 'signing:\n  public_key: cosign.pub\n' >>"$app/slipway.yaml"
git -C "$app" init -q -b main
git -C "$app" add -A
git -C "$app" -c user.name=slipway -c user.email=slipway@localhost commit -qm "web-api (signed demo)"

.venv/bin/slipway run build-and-propose --source "$app" \
  --repo "$REPO" --token "file:$TOKEN_FILE" --signing-key "file:$keys/pair/cosign.key" | tee "$keys/out"
pr=$(sed -n 's/^PR: //p' "$keys/out")
echo "==> the pull request's supply chain evidence ($pr)"
curl -fsS -H "Authorization: token $(cat "$TOKEN_FILE")" "$FORGE/api/v1/repos/slipway/gitops/pulls/${pr##*/}" |
  python3 -c 'import json,sys; print("\n".join(l for l in json.load(sys.stdin)["body"].splitlines() if l.startswith(("- Signed", "- SBOM"))))'
if [ -n "${SLIPWAY_DEMO_START:-}" ]; then
  echo "==> first PR $(($(date +%s) - SLIPWAY_DEMO_START))s after make demo started"
fi
