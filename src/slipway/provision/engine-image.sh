#!/usr/bin/env bash
# Assembles the engine image from the built binaries, Debian packages and the built-in SDK
# content (sdk-content.sh); rebuilt only when its inputs change (their hash is a label on the
# image).
source "$(dirname "$0")/lib.sh"

inputs_hash() {
  (cd "$PROVISION_DIR/engine-image" && cat Dockerfile engine.toml engine.json registry.yml entrypoint.sh; cat "$BIN_DIR/.built"; echo "$BASE_IMAGE"
   cat "$SDK_DIR/sdk.env") \
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
  cp -r "$SDK_DIR/content" "$ctx/content"
  # (not `source`: that would fire the RETURN trap above and remove the context)
  local go_sdk py_sdk
  go_sdk=$(sed -n 's/^DAGGER_GO_SDK_MANIFEST_DIGEST=//p' "$SDK_DIR/sdk.env")
  py_sdk=$(sed -n 's/^DAGGER_PYTHON_SDK_MANIFEST_DIGEST=//p' "$SDK_DIR/sdk.env")
  docker build --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "slipway.inputs=$WANT" \
    --build-arg "GO_SDK_DIGEST=$go_sdk" --build-arg "PYTHON_SDK_DIGEST=$py_sdk" \
    -t "$ENGINE_IMAGE" "$ctx"
}
step engine-image build_image
