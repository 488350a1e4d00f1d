#!/usr/bin/env bash
# The seed design's GitHub Actions job, run sequentially on the host with the tool binaries
# slipway's stage images are built from: go test, docker build, trivy (HIGH,CRITICAL, the same
# offline DB), helm template, kubeconform -strict (the same offline schemas), docker push under
# the commit SHA, then clone, edit, commit and push the GitOps repository's dev values file.
#
# Usage: seed_baseline.sh APP_DIR GITOPS_URL IMAGE_REPO WORK_DIR
#   APP_DIR     a git checkout of examples/web-api (its HEAD is the commit built)
#   GITOPS_URL  the GitOps repository on Gitea (http://host:port/owner/repo.git)
#   IMAGE_REPO  where to push, e.g. 127.0.0.1:5000/slipway-bench/web-api-seed
#   WORK_DIR    scratch space; holds the Go build cache and the trivy DB between runs
# Environment: GITEA_TOKEN (required); COLD=1 builds with `docker build --no-cache` and an empty
# Go build cache; SLIPWAY_CACHE (default ~/.cache/slipway).
set -euo pipefail

APP_DIR=$(cd "$1" && pwd)
GITOPS_URL=$2
IMAGE_REPO=$3
WORK_DIR=$(mkdir -p "$4" && cd "$4" && pwd)
: "${GITEA_TOKEN:?GITEA_TOKEN must hold the Gitea token}"
CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
BIN=$CACHE/tools/bin
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MIRROR=127.0.0.1:5000
SCHEMAS=$CACHE/tools/k8s-schemas/v1.30.0
APP=web-api
ENV_NAME=dev

step() { printf '==> %s\n' "$*" >&2; }

SHA=$(git -C "$APP_DIR" rev-parse HEAD)
IMAGE="$IMAGE_REPO:$SHA"

# The offline trivy DB slipway's trivy image carries, generated once from the same fixture.
TRIVY_DB=$WORK_DIR/trivy-db
if [ ! -d "$TRIVY_DB/db" ]; then
  step "trivy DB (once, not part of a run)"
  "$BIN/trivydb-gen" -fixture "$ROOT/tools/trivydb/fixtures/planted.yaml" -out "$TRIVY_DB" >&2
fi

export GOCACHE=$WORK_DIR/go-build GOFLAGS=-mod=mod GOTOOLCHAIN=local
no_cache=()
if [ "${COLD:-0}" = 1 ]; then
  rm -rf "$GOCACHE"
  no_cache=(--no-cache)
fi

step "go test ./..."
(cd "$APP_DIR" && go test ./... >&2)

# The host's docker has no BuildKit: the Dockerfile's base images come from the local registry
# (no Docker Hub here) and its cache mount is dropped.
step "docker build ${no_cache[*]}"
sed -E -e "s#^FROM (golang|debian)#FROM $MIRROR/library/\\1#" -e 's#^RUN --mount=[^ ]+ #RUN #' \
  "$APP_DIR/Dockerfile" >"$WORK_DIR/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q "${no_cache[@]}" -f "$WORK_DIR/Dockerfile" -t "$IMAGE" \
  --label "org.opencontainers.image.revision=$SHA" "$APP_DIR" >&2

step "trivy image (HIGH,CRITICAL)"
TRIVY_CACHE_DIR=$TRIVY_DB TRIVY_SKIP_DB_UPDATE=true TRIVY_SKIP_JAVA_DB_UPDATE=true \
  TRIVY_OFFLINE_SCAN=true TRIVY_SKIP_VERSION_CHECK=true TRIVY_DISABLE_TELEMETRY=true TRIVY_NO_PROGRESS=true \
  "$BIN/trivy" image --quiet --scanners vuln --severity HIGH,CRITICAL --exit-code 1 \
  --ignorefile "$APP_DIR/.trivyignore" "$IMAGE" >&2

step "helm template"
(cd "$APP_DIR" && "$BIN/helm" template "$APP" ./chart --namespace "$APP-$ENV_NAME" --skip-tests \
  --values "chart/values-$ENV_NAME.yaml" --set-string "image.repository=$IMAGE_REPO" \
  --set-string "image.tag=$SHA") >"$WORK_DIR/manifests.yaml"

step "kubeconform -strict"
"$BIN/kubeconform" -strict -summary \
  -schema-location "$SCHEMAS/v1.30.0-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  "$WORK_DIR/manifests.yaml" >&2

step "docker push $IMAGE"
docker push -q "$IMAGE" >&2

step "GitOps: clone, edit, commit, push"
auth="Authorization: Basic $(printf 'slipway:%s' "$GITEA_TOKEN" | base64 -w0)"
gitops() { git -c "http.extraHeader=$auth" -c user.name=seed-ci -c user.email=seed-ci@example.com "$@"; }
checkout=$WORK_DIR/gitops
rm -rf "$checkout"
gitops clone -q --depth 1 "$GITOPS_URL" "$checkout"
values=$checkout/apps/$APP/overlays/$ENV_NAME/values.yaml
sed -i -E "s/^  tag: .*/  tag: \"$SHA\"/" "$values"
if git -C "$checkout" diff --quiet; then
  step "GitOps: $ENV_NAME already runs $SHA"
else
  gitops -C "$checkout" commit -qam "Promote $APP $SHA to $ENV_NAME"
  gitops -C "$checkout" push -q origin HEAD
fi
echo "$IMAGE"
