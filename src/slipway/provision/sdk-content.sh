#!/usr/bin/env bash
# Builds the engine's built-in SDK content: the Go SDK image and the Python SDK (slipway's own
# runtime module in python-sdk/runtime, dagger-io's sources, uv), as OCI blobs in
# $SDK_DIR/content/blobs/sha256 and their manifest digests in $SDK_DIR/sdk.env. engine-image.sh
# copies both into the engine image. Each part is rebuilt only when its inputs change.
source "$(dirname "$0")/lib.sh"

V="v${DAGGER_VERSION}"
UV_VERSION="${UV_VERSION:-0.9.30}"   # uv_build's range in dagger-io's pyproject: >=0.8.4,<0.10
PYTHON_IMAGE="${SLIPWAY_PYTHON_IMAGE:-python:3.11-slim-bookworm}"
GO_SDK_IMAGE="slipway/dagger-go-sdk:$V"
REPO_ROOT="$(cd "$PROVISION_DIR/../../.." && pwd)"
OCIPACK_SRC="$REPO_ROOT/tools/ocipack"
RUNTIME_SRC="$PROVISION_DIR/python-sdk/runtime"
mkdir -p "$SDK_DIR"

files_hash() { # DIR...: the hash of the files git would track there (names and contents)
  (for d in "$@"; do [ -e "$d" ] || continue; find "$d" -type f ! -path '*/internal/*' ! -name dagger.gen.go | LC_ALL=C sort | while read -r f; do
     printf '%s ' "${f#"$REPO_ROOT"/}"; sha256sum <"$f"; done; done) | sha256sum | cut -c1-16
}

# --- ocipack: OCI blobs from an image or a directory ---
OCIPACK="$SDK_DIR/bin/ocipack"
build_ocipack() {
  cd "$OCIPACK_SRC"
  CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$OCIPACK" .
}
want="ocipack=$(files_hash "$OCIPACK_SRC")"
if stamp_ok "$SDK_DIR/bin/.ocipack" "$want"; then echo "==> ocipack: cached"; else
  step sdk-ocipack build_ocipack; echo "$want" >"$SDK_DIR/bin/.ocipack"; fi

# --- Python SDK: our runtime module + dagger-io's sources + uv, one layer ---
PY_DIR="$SDK_DIR/python"
pypi_file() { # NAME FILENAME DEST: one file of a PyPI project, checked against the index's sha256
  python3 - "$@" <<'PY'
import hashlib, json, sys, urllib.request
name, filename, dest = sys.argv[1:]
req = urllib.request.Request(f"https://pypi.org/simple/{name}/",
                             headers={"Accept": "application/vnd.pypi.simple.v1+json"})
files = json.load(urllib.request.urlopen(req, timeout=120))["files"]
f = next((f for f in files if f["filename"] == filename), None)
if f is None:
    sys.exit(f"{filename} is not on PyPI")
data = urllib.request.urlopen(f["url"], timeout=300).read()
if hashlib.sha256(data).hexdigest() != f["hashes"]["sha256"]:
    sys.exit(f"{filename}: sha256 mismatch")
open(dest, "wb").write(data)
PY
}

python_rootfs() {
  local root="$PY_DIR/rootfs" dl="$PY_DIR/downloads"
  rm -rf "$root"; mkdir -p "$root/dist" "$dl"
  [ -f "$dl/dagger_io-$DAGGER_VERSION.tar.gz" ] || pypi_file dagger-io "dagger_io-$DAGGER_VERSION.tar.gz" "$dl/dagger_io-$DAGGER_VERSION.tar.gz"
  mkdir -p "$root/sdk"
  tar -xzf "$dl/dagger_io-$DAGGER_VERSION.tar.gz" -C "$root/sdk" --strip-components=1
  # The sdist says its own version (unlike sdk/python in the module zip, which says 0.0.0).
  grep -qx "version = \"$DAGGER_VERSION\"" "$root/sdk/pyproject.toml"
  # Its dev group names `codegen`, a uv workspace member the sdist leaves out; uv refuses to
  # build it from source then. Drop the development-only tables.
  python3 - "$root/sdk/pyproject.toml" <<'PY'
import re, sys
path = sys.argv[1]
drop = {"dependency-groups", "tool.uv.sources", "tool.uv.workspace"}
out, skipping = [], False
for line in open(path).read().splitlines(keepends=True):
    m = re.match(r"^\[([^\]]+)\]\s*$", line)
    if m:
        skipping = m.group(1).strip() in drop
    if not skipping:
        out.append(line)
open(path, "w").write("".join(out))
PY
  [ -n "$(ls "$dl"/uv-"$UV_VERSION"-*manylinux*x86_64*.whl 2>/dev/null)" ] || \
    pip download -q --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 --python-version 3.11 \
      "uv==$UV_VERSION" -d "$dl"
  python3 - "$(ls "$dl"/uv-"$UV_VERSION"-*manylinux*x86_64*.whl | head -1)" "$root/dist" <<'PY'
import os, sys, zipfile
whl, out = sys.argv[1:]
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if n.endswith(".data/scripts/uv") or n.endswith(".data/scripts/uvx"):
            p = os.path.join(out, os.path.basename(n))
            with open(p, "wb") as f:
                f.write(z.read(n))
            os.chmod(p, 0o755)
PY
  "$root/dist/uv" --version
  mkdir -p "$root/runtime"
  for f in dagger.json main.go go.mod go.sum; do
    [ -f "$RUNTIME_SRC/$f" ] && cp "$RUNTIME_SRC/$f" "$root/runtime/"
  done
  echo "$PYTHON_IMAGE" >"$root/base-image"
}

pack_python() {
  rm -rf "$PY_DIR/oci"
  "$OCIPACK" -out "$PY_DIR/oci" -dir "$PY_DIR/rootfs" >"$PY_DIR/digest"
  cat "$PY_DIR/digest"
}

py_want=$(echo "steps=$(declare -f pypi_file python_rootfs pack_python | sha256sum | cut -c1-16) dagger-io=$DAGGER_VERSION uv=$UV_VERSION image=$PYTHON_IMAGE runtime=$(files_hash "$RUNTIME_SRC") \
ocipack=$(cat "$SDK_DIR/bin/.ocipack")" | sha256sum | cut -c1-16)
if stamp_ok "$PY_DIR/.built" "$py_want" && [ -s "$PY_DIR/digest" ]; then
  echo "==> python sdk content: cached ($(cat "$PY_DIR/digest"))"
else
  step sdk-python-rootfs python_rootfs
  step sdk-python-pack pack_python
  echo "$py_want" >"$PY_DIR/.built"
fi

# --- Go SDK image: Debian + Go + git + codegen + a module cache with the Go SDK's deps ---
GO_DIR="$SDK_DIR/go"
build_codegen() {
  local ld="-s -w -X github.com/dagger/dagger/engine.Version=$V -X github.com/dagger/dagger/engine.Tag=$V"
  mkdir -p "$GO_DIR/ctx"
  cd "$DAGGER_SRC"
  GONOSUMDB=github.com/dagger/dagger CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$GO_DIR/ctx/codegen" ./cmd/codegen
}

# Every module in the graph of the Go SDK's go.mod (generated module code requires them, and
# `go mod tidy` also wants those of the dependencies' tests), plus those of our runtime module
# and the fixture, so `go mod tidy` and `go build` in the engine need no proxy for them.
prefill_modcache() {
  local tmp mod="$GO_DIR/ctx/gomod"
  rm -rf "$mod"; mkdir -p "$mod"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN
  for m in "$DAGGER_SRC/sdk/go" "$RUNTIME_SRC" "$REPO_ROOT/tests/fixtures/go-module"; do
    [ -f "$m/go.mod" ] || continue
    rm -rf "$tmp/m"; mkdir -p "$tmp/m"; cp "$m/go.mod" "$tmp/m/"; [ -f "$m/go.sum" ] && cp "$m/go.sum" "$tmp/m/"
    (cd "$tmp/m" && GOMODCACHE="$mod" GOFLAGS=-mod=mod go mod download all)
  done
  du -sh "$mod"
}

build_go_image() {
  go_toolchain_copy "$GO_DIR/ctx/go"
  cp "$PROVISION_DIR/sdk/go-sdk.Dockerfile" "$GO_DIR/ctx/Dockerfile"
  rm -rf "$GO_DIR/ctx/sdkgo"; cp -r "$DAGGER_SRC/sdk/go" "$GO_DIR/ctx/sdkgo"
  docker build --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "slipway.inputs=$1" \
    -t "$GO_SDK_IMAGE" "$GO_DIR/ctx"
  rm -rf "$GO_DIR/ctx/go" "$GO_DIR/ctx/sdkgo"
}

pack_go_image() {
  local tar="$GO_DIR/image.tar"
  docker save -o "$tar" "$GO_SDK_IMAGE"
  rm -rf "$GO_DIR/oci"
  "$OCIPACK" -out "$GO_DIR/oci" -docker-tar "$tar" -ref "$GO_SDK_IMAGE" >"$GO_DIR/digest"
  rm -f "$tar"
  cat "$GO_DIR/digest"
}

go_want="steps=$(declare -f build_codegen prefill_modcache build_go_image pack_go_image | sha256sum | cut -c1-16) dagger=$V go=$GO_VERSION base=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE") src=$(cat "$BIN_DIR/.built") \
files=$(files_hash "$PROVISION_DIR/sdk/go-sdk.Dockerfile" "$RUNTIME_SRC/go.mod" "$REPO_ROOT/tests/fixtures/go-module") \
ocipack=$(cat "$SDK_DIR/bin/.ocipack")"
go_want=$(echo "$go_want" | sha256sum | cut -c1-16)
if stamp_ok "$GO_DIR/.built" "$go_want" && [ -s "$GO_DIR/digest" ]; then
  echo "==> go sdk image: cached ($(cat "$GO_DIR/digest"))"
else
  step sdk-go-codegen build_codegen
  step sdk-go-modcache prefill_modcache
  step sdk-go-image build_go_image "$go_want"
  step sdk-go-pack pack_go_image
  echo "$go_want" >"$GO_DIR/.built"
fi

# --- both, as the engine image takes them ---
assemble() {
  rm -rf "$SDK_DIR/content.tmp"; mkdir -p "$SDK_DIR/content.tmp/blobs/sha256"
  cp -l "$GO_DIR"/oci/blobs/sha256/* "$PY_DIR"/oci/blobs/sha256/* "$SDK_DIR/content.tmp/blobs/sha256/"
  rm -rf "$SDK_DIR/content"; mv "$SDK_DIR/content.tmp" "$SDK_DIR/content"
  printf 'DAGGER_GO_SDK_MANIFEST_DIGEST=%s\nDAGGER_PYTHON_SDK_MANIFEST_DIGEST=%s\n' \
    "$(cat "$GO_DIR/digest")" "$(cat "$PY_DIR/digest")" >"$SDK_DIR/sdk.env"
}
if [ -f "$SDK_DIR/sdk.env" ] && [ "$(cat "$SDK_DIR/sdk.env")" = "$(printf 'DAGGER_GO_SDK_MANIFEST_DIGEST=%s\nDAGGER_PYTHON_SDK_MANIFEST_DIGEST=%s' "$(cat "$GO_DIR/digest")" "$(cat "$PY_DIR/digest")")" ]; then
  echo "==> sdk content: up to date"
else
  step sdk-content assemble
fi
