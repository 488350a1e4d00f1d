#!/usr/bin/env bash
# Builds the pipeline tools from the Go module proxy at pinned versions, as static binaries in
# $SLIPWAY_CACHE/tools/bin/: helm, kustomize, kubeconform, conftest, trivy, cosign (signs and
# attests published images, verifies them before a promotion), actionlint, act
# (runs GitHub workflows in local containers), and trivydb-gen (our tools/trivydb: writes an offline Trivy DB from a fixture of advisories).
# gitlab-ci-local (npm, run with the host's Node) goes to $SLIPWAY_CACHE/tools/gitlab-ci-local/,
# linked from tools/bin/: the engine tests run the generated .gitlab-ci.yml with it.
# It also installs the Kubernetes JSON schemas that PyPI's kubernetes-validate ships, for one
# Kubernetes version, into $SLIPWAY_CACHE/tools/k8s-schemas/v$K8S_SCHEMA_VERSION/, so that
# kubeconform validates offline with:
#
#   kubeconform -strict -schema-location \
#     "$SLIPWAY_CACHE/tools/k8s-schemas/v1.30.0/v1.30.0-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
#
# (-strict picks the v1.30.0-local-strict variant, whose objects reject unknown fields; without
# -strict the same template picks v1.30.0-local.) kubernetes-validate's schemas refer to their
# shared definitions as https://kubernetes.io/api/_definitions.json, which kubeconform would try
# to download; the copy rewrites those references to the _definitions.json next to them.
#
# `tool-binaries.sh pipeline` builds only what the pipeline's stage images hold (helm, kustomize,
# kubeconform, conftest, trivy with trivydb-gen, cosign, the schemas): the engine's `up` needs no
# more, so `make demo` reaches its first PR without building the CI runners. With no argument
# (`make tools`, which `make test` needs) it builds every part.
#
# Cached: each part has a stamp of its inputs; a second run prints one "cached" line and exits.
source "$(dirname "$0")/lib.sh"
serialize tools "$@" # `make -j` builds the tools beside the engine, whose `up` also runs this

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.8.2}"       # v5.8.3 needs k8s.io/kube-openapi v0.0.0-20261001230523-97fa35140926: proxy 403
KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.8.0}"
CONFTEST_VERSION="${CONFTEST_VERSION:-v0.71.1}"
TRIVY_VERSION="${TRIVY_VERSION:-v0.74.0}"
COSIGN_VERSION="${COSIGN_VERSION:-v2.4.3}"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
ACT_VERSION="${ACT_VERSION:-v0.2.89}"
GITLAB_CI_LOCAL_VERSION="${GITLAB_CI_LOCAL_VERSION:-4.60.0}" # npm; needs Node >= 18
K8S_VALIDATE_VERSION="${K8S_VALIDATE_VERSION:-1.37.0}" # PyPI kubernetes-validate: schemas for Kubernetes 1.25 .. 1.37
K8S_SCHEMA_VERSION="${K8S_SCHEMA_VERSION:-1.30.0}"

TOOLS="$SLIPWAY_CACHE/tools"
TOOLS_BIN="$TOOLS/bin"
WORK="$TOOLS/src"
STAMPS="$TOOLS_BIN/.stamps"
SCHEMA_VENV="$TOOLS/k8s-schemas-venv"
SCHEMA_DIR="$TOOLS/k8s-schemas/v$K8S_SCHEMA_VERSION"
TRIVYDB_SRC="$(cd "$PROVISION_DIR/../../.." && pwd)/tools/trivydb"
TRIVYDB_HASH="$(cat "$TRIVYDB_SRC/go.mod" "$TRIVYDB_SRC/go.sum" "$TRIVYDB_SRC"/*.go | sha256sum | cut -c1-16)"

declare -A WANT=(
  [helm]="helm=$HELM_VERSION"
  [kustomize]="kustomize=$KUSTOMIZE_VERSION"
  [kubeconform]="kubeconform=$KUBECONFORM_VERSION"
  [conftest]="conftest=$CONFTEST_VERSION"
  [trivy]="trivy=$TRIVY_VERSION"
  [cosign]="cosign=$COSIGN_VERSION"
  [actionlint]="actionlint=$ACTIONLINT_VERSION"
  [act]="act=$ACT_VERSION"
  [gitlab-ci-local]="gitlab-ci-local=$GITLAB_CI_LOCAL_VERSION"
  [trivydb-gen]="trivydb-gen=$TRIVYDB_HASH"
  [k8s-schemas]="kubernetes-validate=$K8S_VALIDATE_VERSION k8s-schemas=v$K8S_SCHEMA_VERSION"
)
PIPELINE_PARTS=(helm kustomize kubeconform conftest trivy cosign trivydb-gen k8s-schemas)
case "${1:-all}" in
  pipeline) PARTS=("${PIPELINE_PARTS[@]}") ;;
  all) PARTS=("${PIPELINE_PARTS[@]}" actionlint act gitlab-ci-local) ;;
  *) die "usage: tool-binaries.sh [pipeline|all] (got '$1')" ;;
esac
ALL_WANT="$(for p in "${PARTS[@]}"; do echo "${WANT[$p]}"; done)"
STAMP="$TOOLS_BIN/.built-${1:-all}"

if stamp_ok "$STAMP" "$ALL_WANT"; then
  echo "==> tool binaries: cached in $TOOLS_BIN ($(echo $ALL_WANT))"
  exit 0
fi
mkdir -p "$TOOLS_BIN" "$WORK" "$STAMPS"

# Hashes pinned here for modules the checksum database does not answer for (none so far).
declare -A PINNED_SUMS=()

MODINFO="$WORK/.modinfo"

module_info() { # module@version field -> a field of the module's .info (Time, Origin.Hash)
  python3 -c '
import json, sys
d = json.load(open(json.load(open(sys.argv[1]))["Info"]))
for k in sys.argv[2].split("."):
    d = (d or {}).get(k)
print(d or "")' "$MODINFO/${1//\//_}.json" "$2"
}

source_copy() { # module version name -> cd into a writable copy of module@version
  local dir
  dir=$(module_dir "$1@$2")
  writable_copy "$dir" "$WORK/$3"
  cd "$WORK/$3"
}

gobuild() { # ldflags out pkg [extra go build args...]
  local ld="$1" out="$2" pkg="$3"; shift 3
  CGO_ENABLED=0 go build -trimpath "$GO_TOOL_GCFLAGS" "$@" -ldflags "-s -w $ld" -o "$TOOLS_BIN/$out" "$pkg"
}

build_helm() {
  source_copy helm.sh/helm/v3 "$HELM_VERSION" helm
  local commit k8s major minor
  commit=$(module_info "helm.sh/helm/v3@$HELM_VERSION" Origin.Hash)
  # As helm's Makefile: the Kubernetes version it assumes comes from the client-go it builds with.
  k8s=$(go list -m -f '{{.Version}}' k8s.io/client-go) # v0.37.0 -> 1.37
  k8s=${k8s#v}; major=$(( ${k8s%%.*} + 1 )); minor=$(echo "$k8s" | cut -d. -f2)
  gobuild "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/internal/version.metadata= \
    -X helm.sh/helm/v3/internal/version.gitCommit=$commit \
    -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$major \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$major \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor" helm ./cmd/helm
  "$TOOLS_BIN/helm" version
}

build_kustomize() {
  source_copy sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION" kustomize
  local date
  date=$(module_info "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" Time) # release commit time
  gobuild "-X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION \
    -X sigs.k8s.io/kustomize/api/provenance.buildDate=$date" kustomize .
  "$TOOLS_BIN/kustomize" version
}

build_kubeconform() {
  source_copy github.com/yannh/kubeconform "$KUBECONFORM_VERSION" kubeconform
  gobuild "-X main.version=$KUBECONFORM_VERSION" kubeconform ./cmd/kubeconform -tags netgo
  "$TOOLS_BIN/kubeconform" -v
}

build_conftest() {
  source_copy github.com/open-policy-agent/conftest "$CONFTEST_VERSION" conftest
  gobuild "-X github.com/open-policy-agent/conftest/internal/version.Version=${CONFTEST_VERSION#v}" conftest .
  "$TOOLS_BIN/conftest" --version
}

build_trivy() {
  source_copy github.com/aquasecurity/trivy "$TRIVY_VERSION" trivy
  # As trivy's goreleaser.yml: it uses encoding/json/v2.
  GOEXPERIMENT=jsonv2 gobuild "-X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_VERSION#v}" trivy ./cmd/trivy
  "$TOOLS_BIN/trivy" --version
}

build_cosign() {
  source_copy github.com/sigstore/cosign/v2 "$COSIGN_VERSION" cosign
  local commit
  commit=$(module_info "github.com/sigstore/cosign/v2@$COSIGN_VERSION" Origin.Hash)
  gobuild "-X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN_VERSION \
    -X sigs.k8s.io/release-utils/version.gitCommit=$commit \
    -X sigs.k8s.io/release-utils/version.gitTreeState=clean" cosign ./cmd/cosign
  "$TOOLS_BIN/cosign" version
}

build_actionlint() {
  source_copy github.com/rhysd/actionlint "$ACTIONLINT_VERSION" actionlint
  gobuild "-X github.com/rhysd/actionlint.version=${ACTIONLINT_VERSION#v}" actionlint ./cmd/actionlint
  "$TOOLS_BIN/actionlint" -version
}

build_act() {
  source_copy github.com/nektos/act "$ACT_VERSION" act
  gobuild "-X main.version=${ACT_VERSION#v}" act .
  "$TOOLS_BIN/act" --version
}

install_gitlab_ci_local() {
  # Into a fresh prefix, moved into place only once it runs: a failed install leaves nothing
  # half-made. Its one native dependency (re2) compiles against the host Node's headers.
  local prefix="$TOOLS/gitlab-ci-local" tmp="$TOOLS/gitlab-ci-local.tmp" version
  node --version
  npm --version
  rm -rf "$tmp"; mkdir -p "$tmp"
  npm install --prefix "$tmp" --no-audit --no-fund --no-update-notifier \
    "gitlab-ci-local@$GITLAB_CI_LOCAL_VERSION"
  (cd "$tmp" && node -e 'require("re2")') # the compiled module loads
  version=$("$tmp/node_modules/.bin/gitlab-ci-local" --version)
  [ "$version" = "$GITLAB_CI_LOCAL_VERSION" ] || die "gitlab-ci-local says $version, want $GITLAB_CI_LOCAL_VERSION"
  rm -rf "$prefix"; mv "$tmp" "$prefix"
  ln -sfn ../gitlab-ci-local/node_modules/.bin/gitlab-ci-local "$TOOLS_BIN/gitlab-ci-local"
  "$TOOLS_BIN/gitlab-ci-local" --version
}

build_trivydb_gen() {
  # Our own module, built in place; -mod=readonly so a go.sum that is not complete fails here
  # instead of being rewritten in the work tree.
  cd "$TRIVYDB_SRC"
  GOFLAGS="-mod=readonly -buildvcs=false" gobuild "" trivydb-gen .
}

install_k8s_schemas() {
  [ -x "$SCHEMA_VENV/bin/python" ] || python3 -m venv "$SCHEMA_VENV"
  "$SCHEMA_VENV/bin/pip" install --disable-pip-version-check -q "kubernetes-validate==$K8S_VALIDATE_VERSION"
  local pkg tmp v
  pkg=$("$SCHEMA_VENV/bin/python" -c 'import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))')/kubernetes-json-schema
  [ -d "$pkg/v$K8S_SCHEMA_VERSION-local-strict" ] || die "kubernetes-validate $K8S_VALIDATE_VERSION has no schemas for $K8S_SCHEMA_VERSION: $(ls "$pkg")"
  tmp="$SCHEMA_DIR.tmp"
  rm -rf "$tmp"; mkdir -p "$tmp"
  for v in local local-strict; do
    cp -r "$pkg/v$K8S_SCHEMA_VERSION-$v" "$tmp/"
  done
  # Each schema's "$id" is https://kubernetes.io/api/<kind>/<group>/<version> and its "$ref"s are
  # "/api/_definitions.json#...", so kubeconform would fetch https://kubernetes.io/api/_definitions.json.
  # Drop the ids and point the refs at the _definitions.json next to the file (which itself only
  # has internal "#/$defs/..." refs), so every schema resolves from its own directory.
  "$SCHEMA_VENV/bin/python" - "$tmp" <<'EOF'
import json, pathlib, sys

def fix(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("/api/_definitions.json#"):
            node["$ref"] = ref[len("/api/"):]
        for v in node.values():
            fix(v)
    elif isinstance(node, list):
        for v in node:
            fix(v)

n = 0
for f in pathlib.Path(sys.argv[1]).glob("*/*.json"):
    if f.name == "_definitions.json":
        continue
    doc = json.loads(f.read_text())
    doc.pop("$id", None)
    fix(doc)
    text = json.dumps(doc, indent=2)
    if "kubernetes.io/api/" in text:
        sys.exit(f"{f} still refers to kubernetes.io/api/")
    f.write_text(text + "\n")
    n += 1
print(f"rewrote {n} schemas")
EOF
  rm -rf "$SCHEMA_DIR"; mv "$tmp" "$SCHEMA_DIR"
  ls "$SCHEMA_DIR"
}

# part NAME FUNC: run the step unless its own stamp says this exact version is already built.
part() {
  local name="$1" fn="$2"
  if stamp_ok "$STAMPS/$name" "${WANT[$name]}"; then
    echo "==> $name: cached (${WANT[$name]})"
    return 0
  fi
  step "tools-$name" "$fn"
  echo "${WANT[$name]}" >"$STAMPS/$name"
}

declare -A BUILD=(
  [helm]=build_helm [kustomize]=build_kustomize [kubeconform]=build_kubeconform
  [conftest]=build_conftest [trivy]=build_trivy [cosign]=build_cosign
  [trivydb-gen]=build_trivydb_gen [k8s-schemas]=install_k8s_schemas
  [actionlint]=build_actionlint [act]=build_act [gitlab-ci-local]=install_gitlab_ci_local
)
for name in "${PARTS[@]}"; do part "$name" "${BUILD[$name]}"; done
echo "$ALL_WANT" >"$STAMP"
echo "==> tool binaries in $TOOLS_BIN: $(echo $ALL_WANT)"
