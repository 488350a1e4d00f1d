#!/usr/bin/env bash
# Assembles the engine image from the built binaries and Debian packages; rebuilt only when
# its inputs change (their hash is a label on the image).
source "$(dirname "$0")/lib.sh"

inputs_hash() {
  (cd "$PROVISION_DIR/engine-image" && cat Dockerfile engine.toml engine.json registry.yml entrypoint.sh; cat "$BIN_DIR/.built"; echo "$BASE_IMAGE") \
    | sha256sum | cut -c1-16
}
WANT=$(inputs_hash)
HAVE=$(docker image inspect -f '{{ index .Config.Labels "slipway.inputs" }}' "$ENGINE_IMAGE" 2>/dev/null || true)
if [ "$WANT" = "$HAVE" ]; then
  echo "==> engine image $ENGINE_IMAGE: up to date"
  exit 0
fi

build_image() {
  local ctx
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' RETURN
  cp -r "$PROVISION_DIR/engine-image/." "$ctx/"
  cp -r "$BIN_DIR" "$ctx/bin"
  docker build --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "slipway.inputs=$WANT" \
    -t "$ENGINE_IMAGE" "$ctx"
}
step engine-image build_image
