#!/usr/bin/env bash
# slipway's air-gapped Dagger engine: `engine.sh up|down|status|env`.
#   up      install Docker, build the Dagger CLI/engine from the Go module proxy, assemble the
#           engine image, start it with its embedded registry (idempotent, cached)
#   down    stop and remove the engine container (state volumes are kept)
#   status  one line per component
#   env     print the environment variables a Dagger client needs to use this engine
source "$(dirname "$0")/lib.sh"

case "${1:-}" in
  up)
    serialize engine "$@"
    total=$SECONDS
    bash "$PROVISION_DIR/host-packages.sh"
    bash "$PROVISION_DIR/docker.sh"
    bash "$PROVISION_DIR/dagger-binaries.sh"
    bash "$PROVISION_DIR/base-image.sh"
    bash "$PROVISION_DIR/sdk-content.sh"
    bash "$PROVISION_DIR/engine-image.sh"
    bash "$PROVISION_DIR/engine-run.sh"
    bash "$PROVISION_DIR/sdk-images.sh"
    bash "$PROVISION_DIR/tool-binaries.sh" pipeline
    bash "$PROVISION_DIR/stage-images.sh"
    echo "==> engine v$DAGGER_VERSION ready in $((SECONDS - total))s (logs: $SLIPWAY_LOGS)"
    ;;
  down)
    docker rm -f "$ENGINE_NAME" >/dev/null 2>&1 || true
    echo "==> engine $ENGINE_NAME removed"
    ;;
  status)
    printf 'cli:      %s\n' "$( [ -x "$BIN_DIR/dagger" ] && echo "$BIN_DIR/dagger" || echo missing)"
    printf 'image:    %s\n' "$(docker image inspect -f '{{.Id}}' "$ENGINE_IMAGE" 2>/dev/null || echo missing)"
    printf 'engine:   %s\n' "$(docker inspect -f '{{.State.Status}}' "$ENGINE_NAME" 2>/dev/null || echo absent)"
    printf 'registry: %s\n' "$(curl -fsS -o /dev/null -w '%{url_effective}' "http://$REGISTRY_ADDR/v2/" 2>/dev/null || echo unreachable)"
    ;;
  env)
    echo "export _EXPERIMENTAL_DAGGER_CLI_BIN=$BIN_DIR/dagger"
    echo "export _EXPERIMENTAL_DAGGER_RUNNER_HOST=docker-container://$ENGINE_NAME"
    echo "export DO_NOT_TRACK=1 DAGGER_NO_UPDATE_CHECK=1 DAGGER_NO_NAG=1"
    ;;
  *)
    echo "usage: engine.sh up|down|status|env" >&2
    exit 2
    ;;
esac
