#!/usr/bin/env bash
# A real Kubernetes control plane and Flux on 127.0.0.1, for server-side dry-runs, direct
# deploys and GitOps tests: `cluster.sh build|up|down|status|env|namespace NAME...`.
#   build      build the binaries from the Go module proxy (cluster-binaries.sh); cached
#   up         build if needed, then start what is not running, as background processes with
#              pid files and logs under $SLIPWAY_CACHE/cluster/run and .../logs: etcd,
#              kube-apiserver (token auth, RBAC, its own CA), kube-controller-manager,
#              kube-scheduler, kwok with one fake node, Flux source-controller and
#              kustomize-controller (CRDs applied, namespace flux-system). Writes the admin
#              kubeconfig $SLIPWAY_CACHE/cluster/kubeconfig and the deploy-only one
#              .../kubeconfig-deploy (both 0600). Idempotent: a warm `up` starts nothing.
#   down       stop every process (etcd's data is kept: `rm -rf $SLIPWAY_CACHE/cluster/data`
#              for an empty cluster)
#   status     one line per part
#   env        print `export KUBECONFIG=...` (the admin kubeconfig)
#   namespace  create namespaces (admin) and let the deploy identity deploy into them
#
# Ports on 127.0.0.1 (env overrides): SLIPWAY_CLUSTER_API_PORT (16443),
# SLIPWAY_CLUSTER_ETCD_PORT (16379; peer +1, metrics +2), SLIPWAY_CLUSTER_PORT_BASE (16400:
# controller-manager +57, scheduler +59, kwok +47, source-controller storage +90, Flux
# metrics/health +80..+83).
source "$(dirname "$0")/lib.sh"

CLUSTER_HOME="$SLIPWAY_CACHE/cluster"
CLUSTER_RUN="$CLUSTER_HOME/run"
CLUSTER_LOGS="$CLUSTER_HOME/logs"
CLUSTER_DATA="$CLUSTER_HOME/data"
API_PORT="${SLIPWAY_CLUSTER_API_PORT:-16443}"
ETCD_PORT="${SLIPWAY_CLUSTER_ETCD_PORT:-16379}"
PORT_BASE="${SLIPWAY_CLUSTER_PORT_BASE:-16400}"
KCM_PORT=$((PORT_BASE + 57))
SCHED_PORT=$((PORT_BASE + 59))
KWOK_PORT=$((PORT_BASE + 47))
STORAGE_PORT=$((PORT_BASE + 90))
SERVICE_CIDR="${SLIPWAY_CLUSTER_SERVICE_CIDR:-10.96.0.0/16}"
CLUSTER_SERVICE_IP="${SERVICE_CIDR%.*/*}.1" # the first address: the kubernetes service
FAKE_NODE="kwok-node-0"
PORTS="api=$API_PORT etcd=$ETCD_PORT base=$PORT_BASE cidr=$SERVICE_CIDR"
RUN_PARTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok source-controller
  kustomize-controller)

source "$PROVISION_DIR/cluster-binaries.sh"
source "$PROVISION_DIR/cluster-pki.sh"

cdie() { echo "slipway cluster: $*" >&2; exit 1; }

admin_kubectl() { "$CLUSTER_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# ---------------------------------------------------------------------------------- processes

running_pid() { # PART -> the pid of our process for it, if one runs
  local pid exe
  pid=$(cat "$CLUSTER_RUN/$1.pid" 2>/dev/null) || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "${exe% (deleted)}" = "$(readlink -f "$CLUSTER_BIN/$1")" ] && echo "$pid"
}

stale_binary() { [[ "$(readlink "/proc/$1/exe")" == *" (deleted)" ]]; } # rebuilt since it started

part_args() { # PART -> its command line after the binary, one argument per line
  local kc="$CLUSTER_PKI"
  case "$1" in
    etcd) printf '%s\n' --name=slipway --data-dir="$CLUSTER_DATA/etcd" \
      --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
      --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls="http://127.0.0.1:$((ETCD_PORT + 1))" \
      --initial-advertise-peer-urls="http://127.0.0.1:$((ETCD_PORT + 1))" \
      --initial-cluster="slipway=http://127.0.0.1:$((ETCD_PORT + 1))" \
      --listen-metrics-urls="http://127.0.0.1:$((ETCD_PORT + 2))" ;;
    kube-apiserver) printf '%s\n' --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
      --tls-cert-file="$kc/apiserver.crt" --tls-private-key-file="$kc/apiserver.key" \
      --client-ca-file="$kc/ca.crt" --token-auth-file="$kc/tokens.csv" \
      --authorization-mode=RBAC --anonymous-auth=false \
      --service-account-issuer=https://kubernetes.default.svc \
      --service-account-key-file="$kc/sa.pub" --service-account-signing-key-file="$kc/sa.key" \
      --service-cluster-ip-range="$SERVICE_CIDR" --endpoint-reconciler-type=none \
      --profiling=false ;;
    kube-controller-manager) printf '%s\n' --kubeconfig="$kc/controller-manager.kubeconfig" \
      --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
      --service-account-private-key-file="$kc/sa.key" --root-ca-file="$kc/ca.crt" \
      --use-service-account-credentials=false --profiling=false ;;
    kube-scheduler) printf '%s\n' --kubeconfig="$kc/scheduler.kubeconfig" \
      --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false \
      --profiling=false ;;
    kwok) printf '%s\n' --kubeconfig="$kc/kwok.kubeconfig" \
      --config="$CLUSTER_SHARE/kwok/stages.yaml" --manage-all-nodes=false \
      --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
      --server-address="127.0.0.1:$KWOK_PORT" ;;
    source-controller) printf '%s\n' --storage-path="$CLUSTER_DATA/flux-storage" \
      --storage-addr="127.0.0.1:$STORAGE_PORT" --storage-adv-addr="127.0.0.1:$STORAGE_PORT" \
      --metrics-addr="127.0.0.1:$((PORT_BASE + 80))" --health-addr="127.0.0.1:$((PORT_BASE + 81))" \
      --enable-leader-election=false --log-encoding=console ;;
    kustomize-controller) printf '%s\n' \
      --metrics-addr="127.0.0.1:$((PORT_BASE + 82))" --health-addr="127.0.0.1:$((PORT_BASE + 83))" \
      --enable-leader-election=false --log-encoding=console ;;
  esac
}

healthy() { # PART: does it answer its health endpoint
  case "$1" in
    etcd) curl -fsS -m 3 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' ;;
    kube-apiserver) [ -s "$KUBECONFIG_ADMIN" ] && [ "$(admin_kubectl get --raw /readyz 2>/dev/null)" = ok ] ;;
    kube-controller-manager) curl -fsSk -m 3 -o /dev/null "https://127.0.0.1:$KCM_PORT/healthz" 2>/dev/null ;;
    kube-scheduler) curl -fsSk -m 3 -o /dev/null "https://127.0.0.1:$SCHED_PORT/healthz" 2>/dev/null ;;
    kwok) curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$KWOK_PORT/healthz" 2>/dev/null ;;
    source-controller) curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$((PORT_BASE + 81))/readyz" 2>/dev/null ;;
    kustomize-controller) curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$((PORT_BASE + 83))/readyz" 2>/dev/null ;;
  esac
}

start_part() { # PART: start it in the background and wait until it is healthy
  local part=$1 pid args=()
  mapfile -t args < <(part_args "$part")
  mkdir -p "$CLUSTER_RUN" "$CLUSTER_LOGS" "$CLUSTER_DATA/flux-storage"
  install -m 600 /dev/null "$CLUSTER_LOGS/$part.log"
  (
    case "$part" in # controller-runtime reads KUBECONFIG; Flux reads its own namespace from env
      source-controller|kustomize-controller)
        export KUBECONFIG="$CLUSTER_PKI/flux.kubeconfig" RUNTIME_NAMESPACE=flux-system ;;
    esac
    exec setsid nohup "$CLUSTER_BIN/$part" "${args[@]}" >>"$CLUSTER_LOGS/$part.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$CLUSTER_RUN/$part.pid"
  for _ in $(seq 1 240); do
    healthy "$part" && { echo "$part pid $pid healthy"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "$part exited; its log:" >&2; tail -n 30 "$CLUSTER_LOGS/$part.log" >&2; return 1; }
    sleep 0.5
  done
  echo "$part did not become healthy within 120s; see $CLUSTER_LOGS/$part.log" >&2
  return 1
}

stop_part() { # PART: stop our process (TERM, then KILL after 10s)
  local pid
  pid=$(running_pid "$1") || { rm -f "$CLUSTER_RUN/$1.pid"; return 1; }
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$CLUSTER_RUN/$1.pid"
  echo "$pid"
}

ensure_part() { # PART: start it unless our process for it runs the current binary
  local part=$1 pid
  if pid=$(running_pid "$part"); then
    if [ ! -f "$CLUSTER_RUN/$part.restart" ] && ! stale_binary "$pid"; then
      healthy "$part" || cdie "$part runs (pid $pid) but is not healthy; see $CLUSTER_LOGS/$part.log (cluster.sh down, then up)"
      echo "==> $part: already running (pid $pid)"
      return 0
    fi
    step "cluster-stop-$part" stop_part "$part"
  fi
  rm -f "$CLUSTER_RUN/$part.restart"
  step "cluster-start-$part" start_part "$part"
}

# ------------------------------------------------------------------------- cluster contents

fake_node() {
  admin_kubectl apply -f - <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $FAKE_NODE
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: $FAKE_NODE
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
EOF
  admin_kubectl wait --for=condition=Ready "node/$FAKE_NODE" --timeout=60s
}

deploy_role() { # what `kubectl apply` / `helm upgrade` of a namespaced app needs, nothing else
  admin_kubectl apply -f "$PROVISION_DIR/cluster/deploy-role.yaml"
}

flux_crds() {
  admin_kubectl apply -f "$PROVISION_DIR/cluster/flux-system.yaml"
  admin_kubectl apply --server-side --force-conflicts \
    -f "$CLUSTER_SHARE/crds/source-controller" -f "$CLUSTER_SHARE/crds/kustomize-controller"
  admin_kubectl wait --for=condition=Established --timeout=60s \
    -f "$CLUSTER_SHARE/crds/source-controller" -f "$CLUSTER_SHARE/crds/kustomize-controller"
}

cluster_namespace() { # NAME...: the namespace, and the deploy identity's binding in it
  local ns
  for ns in "$@"; do
    admin_kubectl create namespace "$ns" --dry-run=client -o yaml | admin_kubectl apply -f -
    admin_kubectl -n "$ns" create rolebinding slipway-deploy --clusterrole=slipway:deploy \
      --group=slipway:deployers --dry-run=client -o yaml | admin_kubectl apply -f -
  done
}

# ----------------------------------------------------------------------------------- commands

check_ports() { # a running cluster started with other ports or CIDR cannot be reused
  local had
  had=$(cat "$CLUSTER_RUN/ports" 2>/dev/null || true)
  if [ -n "$had" ] && [ "$had" != "$PORTS" ]; then
    for part in "${RUN_PARTS[@]}"; do
      running_pid "$part" >/dev/null && cdie "running with $had, not $PORTS; run: cluster.sh down"
    done
  fi
  mkdir -p "$CLUSTER_RUN"; echo "$PORTS" >"$CLUSTER_RUN/ports"
}

cmd_up() {
  local start=$SECONDS part sans_before
  cluster_build
  check_ports
  sans_before=$(cat "$CLUSTER_PKI/apiserver.sans" 2>/dev/null || true)
  if [ -s "$CLUSTER_PKI/tokens.csv" ] && [ "$sans_before" = "$(serving_sans)" ]; then
    cluster_pki # cheap; only rewrites the kubeconfigs
    echo "==> cluster pki: cached in $CLUSTER_PKI"
  else
    step cluster-pki cluster_pki
    echo yes >"$CLUSTER_RUN/kube-apiserver.restart" # a new certificate or token file
  fi
  for part in "${RUN_PARTS[@]}"; do
    ensure_part "$part"
    case "$part" in
      kube-apiserver) step cluster-deploy-role deploy_role ;;
      kwok) step cluster-fake-node fake_node ;;
      kube-scheduler) step cluster-flux-crds flux_crds ;; # before the Flux controllers start
    esac
  done
  # shellcheck disable=SC2086 # a space-separated list of names
  [ -z "${SLIPWAY_CLUSTER_NAMESPACES:-}" ] || step cluster-namespaces cluster_namespace $SLIPWAY_CLUSTER_NAMESPACES
  if [ -f "$SLIPWAY_CACHE/tools/bin/.stamps/helm" ] && curl -fsS -m 3 -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null; then
    # The kubectl(+helm) tool image engine containers use; stage-images.sh rebuilds only what changed.
    step cluster-kubectl-image bash "$PROVISION_DIR/stage-images.sh"
  else
    echo "==> kubectl tool image: skipped (no engine registry at $REGISTRY_ADDR; run make engine, then cluster.sh up)"
  fi
  echo "==> cluster $K8S_VERSION ready on https://127.0.0.1:$API_PORT in $((SECONDS - start))s (kubeconfig: $KUBECONFIG_ADMIN, deploy: $KUBECONFIG_DEPLOY, logs: $CLUSTER_LOGS)"
}

cmd_down() {
  local part pid i
  for ((i = ${#RUN_PARTS[@]} - 1; i >= 0; i--)); do
    part=${RUN_PARTS[$i]}
    if pid=$(stop_part "$part"); then echo "==> $part: stopped (pid $pid)"; else echo "==> $part: not running"; fi
  done
}

rss_mib() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }

cmd_status() {
  local part pid total=0 rss health
  for part in "${RUN_PARTS[@]}"; do
    if pid=$(running_pid "$part"); then
      rss=$(rss_mib "$pid"); total=$((total + rss))
      health=$(healthy "$part" && echo healthy || echo "NOT healthy (see $CLUSTER_LOGS/$part.log)")
      stale_binary "$pid" && health="$health, binary rebuilt since start (run: cluster.sh up)"
      printf '%-25s running (pid %s, %s MiB), %s\n' "$part:" "$pid" "$rss" "$health"
    elif [ -x "$CLUSTER_BIN/$part" ]; then
      printf '%-25s stopped (built: %s)\n' "$part:" "${PART_WANT[$part]}"
    else
      printf '%-25s not built (run: cluster.sh build)\n' "$part:"
    fi
  done
  printf '%-25s %s\n' "api server:" "https://127.0.0.1:$API_PORT"
  printf '%-25s %s\n' "kubeconfig:" "$( [ -s "$KUBECONFIG_ADMIN" ] && echo "$KUBECONFIG_ADMIN" || echo missing)"
  printf '%-25s %s\n' "kubeconfig (deploy):" "$( [ -s "$KUBECONFIG_DEPLOY" ] && echo "$KUBECONFIG_DEPLOY" || echo missing)"
  printf '%-25s %s MiB RSS\n' "memory:" "$total"
}

case "${1:-}" in
  build) serialize cluster "$@"; cluster_build ;;
  up) serialize cluster "$@"; cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) echo "export KUBECONFIG=$KUBECONFIG_ADMIN" ;;
  namespace)
    shift
    [ $# -gt 0 ] || cdie "usage: cluster.sh namespace NAME..."
    step cluster-namespaces cluster_namespace "$@" ;;
  *)
    echo "usage: cluster.sh build|up|down|status|env|namespace NAME..." >&2
    exit 2 ;;
esac
