# shellcheck shell=bash
# Shared helpers for the provisioning scripts: versions, cache paths, timed steps.
set -euo pipefail

DAGGER_VERSION="${DAGGER_VERSION:-0.19.10}"
SLIPWAY_CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
SLIPWAY_LOGS="${SLIPWAY_LOGS:-$SLIPWAY_CACHE/logs}"
ENGINE_NAME="${SLIPWAY_ENGINE_NAME:-slipway-engine}"
ENGINE_IMAGE="${SLIPWAY_ENGINE_IMAGE:-slipway/dagger-engine:v${DAGGER_VERSION}}"
ENGINE_STATE_VOLUME="${SLIPWAY_ENGINE_VOLUME:-slipway-engine-state}"
REGISTRY_VOLUME="${SLIPWAY_REGISTRY_VOLUME:-slipway-registry-data}"
BASE_IMAGE="slipway/debian:bookworm"
REGISTRY_NAME="${SLIPWAY_REGISTRY_NAME:-slipway-registry}"
REGISTRY_PORT="${SLIPWAY_REGISTRY_PORT:-5000}"
REGISTRY_ADDR="127.0.0.1:${REGISTRY_PORT}"
BIN_DIR="$SLIPWAY_CACHE/dagger/v${DAGGER_VERSION}/bin"
DAGGER_SRC="$SLIPWAY_CACHE/dagger/v${DAGGER_VERSION}/src"
# Built-in SDK content (Go SDK image, Python SDK runtime) for the engine image.
SDK_DIR="$SLIPWAY_CACHE/sdk/v${DAGGER_VERSION}"
GO_VERSION="${GO_VERSION:-1.26.8}"
PROVISION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$SLIPWAY_LOGS"

export DO_NOT_TRACK=1 DAGGER_NO_UPDATE_CHECK=1 DAGGER_NO_NAG=1
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN=local
# The tools and the local cluster compile without inlining: a fifth less compile CPU on 2 cores,
# their own runs somewhat slower. Not the engine, nor Gitea (on every promotion's path, and its
# build gains little): see docs/engine.md for the measurements.
GO_TOOL_GCFLAGS="-gcflags=all=-l"

# step NAME CMD...: run CMD with its output in $SLIPWAY_LOGS/NAME.log, print the duration,
# and stop everything with one line naming the step and the log when it fails. Start and end
# are whole lines of their own: `make -j` runs several provisioning scripts side by side.
step() {
  local name="$1"; shift
  local log="$SLIPWAY_LOGS/$name.log"
  local start=$SECONDS cpu
  printf '==> %s ...\n' "$name"
  install -m 600 /dev/null "$log"
  children_cpu; cpu=$REPLY
  # In the background, so `set -e` holds inside "$@" (an `if` condition would switch it off).
  ( "$@" ) >"$log" 2>&1 &
  if wait $!; then
    children_cpu
    printf '==> %s ... ok (%ss, cpu %ss, at %s)\n' "$name" "$((SECONDS - start))" \
      "$((REPLY - cpu))" "$(date +%s)"
  else
    local rc=$?
    printf '==> %s ... FAILED (%ss)\n' "$name" "$((SECONDS - start))"
    echo "slipway engine: step '$name' failed (exit $rc); read $log" >&2
    tail -n 15 "$log" | sed 's/^/    /' >&2
    exit 1
  fi
}

# children_cpu: set REPLY to the CPU seconds (user + system) of every child this shell has
# waited for so far. Not in $(...): a forked subshell starts with no children.
children_cpu() {
  local f="$SLIPWAY_LOGS/.times.$BASHPID" line u s t sec
  times >"$f"
  { read -r line; read -r u s; } <"$f"
  rm -f "$f"
  REPLY=0
  for t in "$u" "$s"; do # 1m2.345s
    sec=${t#*m}
    REPLY=$((REPLY + ${t%%m*} * 60 + 10#${sec%%.*}))
  done
}

die() { echo "slipway engine: $*" >&2; exit 1; }

# serialize NAME ARGS...: run this script again, with ARGS, under an exclusive lock on NAME, so
# that two `up`s at once (parallel test workers, CI jobs on one machine) take turns. The lock
# is released when the script ends: daemons it starts do not inherit it (flock -o).
serialize() {
  local name=$1 held="SLIPWAY_LOCKED_${1//-/_}"
  shift
  [ -n "${!held:-}" ] && return 0
  export "$held=1"
  exec flock -o "$SLIPWAY_CACHE/.$name.lock" bash "$0" "$@"
}

# A stamp file proves an expensive step finished for exactly these inputs.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

declare -A PINNED_SUMS=()

# module_dir MODULE@VERSION: download it from the Go module proxy and print its read-only
# directory in the module cache. A hash pinned in the caller's PINNED_SUMS (for modules the
# checksum database does not answer for) must match; with MODINFO set, the
# `go mod download -json` answer is kept there.
module_dir() {
  local json dir sum
  json=$(cd "$SLIPWAY_CACHE" && go mod download -json "$1")
  dir=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(d["Error"]) if "Error" in d else print(d["Dir"])' "$json")
  sum=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("Sum",""))' "$json")
  if [ -n "${PINNED_SUMS[$1]:-}" ] && [ "${PINNED_SUMS[$1]}" != "$sum" ]; then
    echo "checksum mismatch for $1: got $sum, pinned ${PINNED_SUMS[$1]}" >&2
    return 1
  fi
  if [ -n "${MODINFO:-}" ]; then
    mkdir -p "$MODINFO"
    printf '%s\n' "$json" >"$MODINFO/${1//\//_}.json"
  fi
  echo "$dir"
}

# go_toolchain_copy DST: the Go toolchain $GO_VERSION (linux-amd64) from the module proxy,
# as a writable, runnable copy in DST.
go_toolchain_copy() {
  local dir
  dir=$(cd "$SLIPWAY_CACHE" && GOFLAGS=-mod=mod go mod download -json "golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-amd64" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d["Error"]) if "Error" in d else print(d["Dir"])')
  rm -rf "$1"; mkdir -p "$(dirname "$1")"; cp -r "$dir" "$1"; chmod -R u+w "$1"
  # Module zips carry no mode bits; the go command marks a toolchain's binaries itself.
  chmod +x "$1"/bin/* "$1"/pkg/tool/*/*
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# --- images in the embedded registry (stage-images.sh, sdk-images.sh) ---
manifest_digest() { # repo tag -> the registry's digest for it (what a pull by tag gets), or nothing
  curl -fsSI "http://$REGISTRY_ADDR/v2/$1/manifests/$2" \
    -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' 2>/dev/null \
    | awk 'tolower($1)=="docker-content-digest:" {print $2}' | tr -d '\r'
}

# publish NAME REPO TAG INPUTS_HASH BUILD_FUNC: build (if the registry's copy is stale) and push.
publish() {
  local name=$1 repo=$2 tag=$3 want=$4 build=$5
  local ref="$REGISTRY_ADDR/$repo:$tag"
  local have
  have=$(docker image inspect -f '{{ index .Config.Labels "slipway.inputs" }}' "$ref" 2>/dev/null || true)
  if [ "$have" = "$want" ] && [ -n "$(manifest_digest "$repo" "$tag")" ]; then
    echo "==> image $repo:$tag: up to date"
    return 0
  fi
  step "image-$name" "$build" "$ref" "$want"
  step "push-$name" docker push "$ref"
}

docker_build() { # DOCKERFILE CONTEXT REF INPUTS [extra args]
  local file=$1 ctx=$2 ref=$3 want=$4; shift 4
  docker build --network host -f "$file" --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    --label "slipway.inputs=$want" "$@" -t "$ref" "$ctx"
}

# writable_copy SRC DST: a fresh, writable copy of a (read-only) module directory.
writable_copy() {
  rm -rf "$2"; mkdir -p "$(dirname "$2")"; cp -r "$1" "$2"; chmod -R u+w "$2"
}
