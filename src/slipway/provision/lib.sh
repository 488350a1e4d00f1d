# shellcheck shell=bash
# Shared helpers for the provisioning scripts: versions, cache paths, timed steps.
set -euo pipefail

DAGGER_VERSION="${DAGGER_VERSION:-0.19.10}"
SLIPWAY_CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
SLIPWAY_LOGS="${SLIPWAY_LOGS:-$SLIPWAY_CACHE/logs}"
ENGINE_NAME="${SLIPWAY_ENGINE_NAME:-slipway-engine}"
ENGINE_IMAGE="slipway/dagger-engine:v${DAGGER_VERSION}"
BASE_IMAGE="slipway/debian:bookworm"
REGISTRY_NAME="${SLIPWAY_REGISTRY_NAME:-slipway-registry}"
REGISTRY_PORT="${SLIPWAY_REGISTRY_PORT:-5000}"
REGISTRY_ADDR="127.0.0.1:${REGISTRY_PORT}"
BIN_DIR="$SLIPWAY_CACHE/dagger/v${DAGGER_VERSION}/bin"
PROVISION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$SLIPWAY_LOGS"

export DO_NOT_TRACK=1 DAGGER_NO_UPDATE_CHECK=1 DAGGER_NO_NAG=1
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN=local

# step NAME CMD...: run CMD with its output in $SLIPWAY_LOGS/NAME.log, print the duration,
# and stop everything with one line naming the step and the log when it fails.
step() {
  local name="$1"; shift
  local log="$SLIPWAY_LOGS/$name.log"
  local start=$SECONDS
  printf '==> %s ... ' "$name"
  # In the background, so `set -e` holds inside "$@" (an `if` condition would switch it off).
  ( "$@" ) >"$log" 2>&1 &
  if wait $!; then
    printf 'ok (%ss)\n' "$((SECONDS - start))"
  else
    local rc=$?
    printf 'FAILED (%ss)\n' "$((SECONDS - start))"
    echo "slipway engine: step '$name' failed (exit $rc); read $log" >&2
    tail -n 15 "$log" | sed 's/^/    /' >&2
    exit 1
  fi
}

die() { echo "slipway engine: $*" >&2; exit 1; }

# A stamp file proves an expensive step finished for exactly these inputs.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
