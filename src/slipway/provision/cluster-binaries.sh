# shellcheck shell=bash
# Builds the local cluster's binaries from the Go module proxy into $SLIPWAY_CACHE/cluster/bin:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, Flux's
# source-controller and kustomize-controller; plus kwok's stage files and Flux's CRDs under
# $SLIPWAY_CACHE/cluster/share. Sourced by cluster.sh (`cluster.sh build`).
#
# Each part has a stamp of its inputs; a second run prints one "cached" line per part.
# Builds share the default Go build cache (the tool and engine builds use it too), at most 2
# compile jobs each. On a cold set-up they are the longest chain before the suite can start, so
# they run in two lanes at normal priority (kubernetes' four commands in one; etcd, kwok and
# Flux's controllers in the other), as the tool and engine builds beside them do.
# Each part's cold build time is kept in $CLUSTER_HOME/build-times (one "part seconds" line).

ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
K8S_VERSION="${K8S_VERSION:-v1.37.2}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
FLUX_SOURCE_VERSION="${FLUX_SOURCE_VERSION:-v1.9.6}"
FLUX_KUSTOMIZE_VERSION="${FLUX_KUSTOMIZE_VERSION:-v1.9.6}"
# source-controller v1.9.6 requires github.com/fluxcd/pkg/artifact v0.18.3, whose zip the
# proxy refuses (403); v0.18.0 is served and builds.
FLUX_ARTIFACT_VERSION="${FLUX_ARTIFACT_VERSION:-v0.18.0}"

CLUSTER_BIN="$CLUSTER_HOME/bin"
CLUSTER_SHARE="$CLUSTER_HOME/share"
CLUSTER_SRC="$CLUSTER_HOME/src"
CLUSTER_STAMPS="$CLUSTER_BIN/.stamps"
BUILD_TIMES="$CLUSTER_HOME/build-times"
K8S_STAGING_VERSION="v0.${K8S_VERSION#v1.}" # v1.37.2 -> v0.37.2

# The staging modules kubernetes' go.mod replaces with ./staging/src/k8s.io/<name>; the wrapper
# replaces each with its published release. sample-cli-plugin and sample-controller are not
# published (403) and nothing we build imports them.
K8S_STAGING=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go
  cloud-provider cluster-bootstrap code-generator component-base component-helpers
  controller-manager cri-api cri-client cri-streaming csi-translation-lib
  dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
  kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
  pod-security-admission sample-apiserver streaming)

declare -A PART_WANT=(
  [etcd]="etcd=$ETCD_VERSION"
  [kube-apiserver]="kubernetes=$K8S_VERSION staging=$K8S_STAGING_VERSION"
  [kubectl]="kubernetes=$K8S_VERSION staging=$K8S_STAGING_VERSION"
  [kube-scheduler]="kubernetes=$K8S_VERSION staging=$K8S_STAGING_VERSION"
  [kube-controller-manager]="kubernetes=$K8S_VERSION staging=$K8S_STAGING_VERSION"
  [kwok]="kwok=$KWOK_VERSION"
  [source-controller]="source-controller=$FLUX_SOURCE_VERSION artifact=$FLUX_ARTIFACT_VERSION"
  [kustomize-controller]="kustomize-controller=$FLUX_KUSTOMIZE_VERSION"
)
# The two build lanes.
K8S_PARTS=(kube-apiserver kubectl kube-scheduler kube-controller-manager)
OTHER_PARTS=(etcd kwok source-controller kustomize-controller)

# cgo off: static binaries (kubectl also goes into a tool image).
cluster_gobuild() { # OUT PKG [ldflags]
  CGO_ENABLED=0 GOFLAGS="-mod=mod -p=2 -buildvcs=false" \
    go build -trimpath "$GO_TOOL_GCFLAGS" -ldflags "-s -w ${3:-}" -o "$CLUSTER_BIN/$1.new" "$2"
  mv "$CLUSTER_BIN/$1.new" "$CLUSTER_BIN/$1"
}

wrapper_module() { # DIR MODULE-PATH: an empty module to build other modules' commands from
  rm -rf "$1"; mkdir -p "$1"
  printf 'module %s\n\ngo 1.26.0\n' "$2" >"$1/go.mod"
}

build_etcd() {
  # `go install …@version` is refused (etcd's go.mod has replace directives): build it as a
  # dependency of a wrapper module instead.
  local dir="$CLUSTER_SRC/etcd"
  wrapper_module "$dir" slipway.local/etcd-build
  cd "$dir" || return
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  cluster_gobuild etcd go.etcd.io/etcd/server/v3 \
    "-X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION"
  "$CLUSTER_BIN/etcd" --version
}

k8s_wrapper() { # the wrapper module for kubernetes' commands, written once per build run
  local dir="$CLUSTER_SRC/kubernetes"
  [ -f "$dir/.ready" ] && [ "$(cat "$dir/.ready")" = "${PART_WANT[kube-apiserver]}" ] && return 0
  wrapper_module "$dir" slipway.local/kubernetes-build
  {
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    for m in "${K8S_STAGING[@]}"; do echo "	k8s.io/$m => k8s.io/$m $K8S_STAGING_VERSION"; done
    echo ")"
  } >>"$dir/go.mod"
  (cd "$dir" && GOFLAGS=-mod=mod go mod download k8s.io/kubernetes)
  echo "${PART_WANT[kube-apiserver]}" >"$dir/.ready"
}

k8s_ldflags() { # as kubernetes' hack/lib/version.sh, for both version packages
  local v=${K8S_VERSION#v} flags="" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=${v%%.*}"
    flags="$flags -X $pkg.gitMinor=$(echo "$v" | cut -d. -f2) -X $pkg.gitTreeState=clean"
    flags="$flags -X $pkg.buildDate=$K8S_BUILD_DATE"
  done
  echo "$flags"
}

build_k8s_command() { # NAME
  k8s_wrapper
  cd "$CLUSTER_SRC/kubernetes" || return
  K8S_BUILD_DATE=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" \
    | python3 -c 'import json,sys; print(json.load(open(json.load(sys.stdin)["Info"]))["Time"])')
  cluster_gobuild "$1" "k8s.io/kubernetes/cmd/$1" "$(k8s_ldflags)"
  case "$1" in
    kubectl) "$CLUSTER_BIN/kubectl" version --client ;;
    *) "$CLUSTER_BIN/$1" --version ;;
  esac
}

build_kwok() {
  local dir
  dir=$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")
  writable_copy "$dir" "$CLUSTER_SRC/kwok"
  cd "$CLUSTER_SRC/kwok" || return
  cluster_gobuild kwok ./cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}"
  # kwok does nothing without stages: keep the ones the module ships for fast fake nodes/pods.
  mkdir -p "$CLUSTER_SHARE/kwok"
  local f out="$CLUSTER_SHARE/kwok/stages.yaml.new"
  : >"$out"
  for f in node/fast/node-initialize node/heartbeat/node-heartbeat pod/fast/pod-ready \
    pod/fast/pod-complete pod/fast/pod-delete; do
    echo "---" >>"$out"
    cat "kustomize/stage/$f.yaml" >>"$out"
  done
  mv "$out" "$CLUSTER_SHARE/kwok/stages.yaml"
  rm -rf "$CLUSTER_SRC/kwok"
  "$CLUSTER_BIN/kwok" --version
}

flux_copy() { # NAME VERSION: a writable copy of a Flux controller without its ./api replace
  local dir
  dir=$(module_dir "github.com/fluxcd/$1@$2")
  writable_copy "$dir" "$CLUSTER_SRC/$1"
  cd "$CLUSTER_SRC/$1" || return
  # The nested ./api module is not in the module zip: use the published api at go.mod's version.
  go mod edit -dropreplace "github.com/fluxcd/$1/api"
  mkdir -p "$CLUSTER_SHARE/crds/$1"
  cp config/crd/bases/*.yaml "$CLUSTER_SHARE/crds/$1/"
}

build_source_controller() {
  flux_copy source-controller "$FLUX_SOURCE_VERSION"
  go mod edit -replace "github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@$FLUX_ARTIFACT_VERSION"
  cluster_gobuild source-controller .
  rm -rf "$CLUSTER_SRC/source-controller"
  "$CLUSTER_BIN/source-controller" --help 2>&1 | head -n 3 || true
}

build_kustomize_controller() {
  flux_copy kustomize-controller "$FLUX_KUSTOMIZE_VERSION"
  cluster_gobuild kustomize-controller .
  rm -rf "$CLUSTER_SRC/kustomize-controller"
  "$CLUSTER_BIN/kustomize-controller" --help 2>&1 | head -n 3 || true
}

build_part() { # NAME: one binary, unless its stamp says this exact version is built
  local name="$1" start=$SECONDS fn
  if stamp_ok "$CLUSTER_STAMPS/$name" "${PART_WANT[$name]}" && [ -x "$CLUSTER_BIN/$name" ]; then
    echo "==> $name: cached (${PART_WANT[$name]})"
    return 0
  fi
  case "$name" in
    kube-*|kubectl) fn="build_k8s_command $name" ;;
    *) fn="build_${name//-/_}" ;;
  esac
  # shellcheck disable=SC2086 # fn is a function name and its argument
  step "cluster-build-$name" $fn
  echo "${PART_WANT[$name]}" >"$CLUSTER_STAMPS/$name"
  {
    flock 9
    sed -i "/^$name /d" "$BUILD_TIMES" 2>/dev/null || true
    echo "$name $((SECONDS - start))" >>"$BUILD_TIMES"
  } 9>>"$BUILD_TIMES.lock"
}

cluster_build() {
  mkdir -p "$CLUSTER_BIN" "$CLUSTER_SHARE" "$CLUSTER_SRC" "$CLUSTER_STAMPS"
  local part lane
  ( for part in "${OTHER_PARTS[@]}"; do build_part "$part"; done ) &
  lane=$!
  # shellcheck disable=SC2064 # the lane's pid, now
  trap "kill $lane 2>/dev/null || true" EXIT
  for part in "${K8S_PARTS[@]}"; do build_part "$part"; done
  if ! wait "$lane"; then
    echo "slipway cluster: a build failed (its log is named above)" >&2
    exit 1
  fi
  trap - EXIT
}
