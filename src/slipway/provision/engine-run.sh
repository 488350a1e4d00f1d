#!/usr/bin/env bash
# Starts the engine container (with its embedded registry) unless the right one already runs,
# waits until the engine answers, and seeds the registry with the base image.
source "$(dirname "$0")/lib.sh"

CA_DIR="${SLIPWAY_CA_DIR:-/usr/local/share/ca-certificates}"
image_id=$(docker image inspect -f '{{.Id}}' "$ENGINE_IMAGE")
running_id=$(docker inspect -f '{{if .State.Running}}{{.Image}}{{end}}' "$ENGINE_NAME" 2>/dev/null || true)

engine_answers() {
  _EXPERIMENTAL_DAGGER_RUNNER_HOST="docker-container://$ENGINE_NAME" \
    timeout 60 "$BIN_DIR/dagger" core version >/dev/null 2>&1
}

registry_answers() { curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; }

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$REGISTRY_PORT") 2>/dev/null
}

start_engine() {
  docker rm -f "$ENGINE_NAME" >/dev/null 2>&1 || true
  if ! port_free; then
    echo "port 127.0.0.1:$REGISTRY_PORT is taken by another process; free it or set SLIPWAY_REGISTRY_PORT"
    return 1
  fi
  # Without CAP_SYS_RESOURCE the container may not raise nofile past dockerd's own hard limit.
  local nofile
  nofile=$(awk '/Max open files/ {print $5}' "/proc/$(pgrep -xo dockerd)/limits" 2>/dev/null || echo 1048576)
  # Go modules built by the engine's Go SDK fetch through the host's module proxy.
  local goproxy
  goproxy=$(go env GOPROXY)
  local ca_mount=()
  [ -d "$CA_DIR" ] && ca_mount=(-v "$CA_DIR:/usr/local/share/ca-certificates:ro")
  # --privileged fails on hosts whose bounding set lacks CAP_SYS_RESOURCE: grant the rest.
  docker run -d --name "$ENGINE_NAME" \
    -p "127.0.0.1:$REGISTRY_PORT:5000" \
    --cap-add ALL --cap-drop SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined --device-cgroup-rule 'a *:* rwm' \
    --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
    --sysctl net.ipv4.ip_forward=1 --ulimit "nofile=$nofile:$nofile" \
    -e "_DAGGER_ENGINE_SYSTEMENV_GOPROXY=$goproxy" \
    -v "$ENGINE_STATE_VOLUME:/var/lib/dagger" -v "$REGISTRY_VOLUME:/var/lib/registry" \
    "${ca_mount[@]}" "$ENGINE_IMAGE" >/dev/null
}

wait_ready() {
  for _ in $(seq 1 90); do
    if [ "$(docker inspect -f '{{.State.Running}}' "$ENGINE_NAME" 2>/dev/null)" != true ]; then
      echo "engine container exited; its last log lines:"
      docker logs --tail 30 "$ENGINE_NAME" 2>&1
      return 1
    fi
    if registry_answers && engine_answers; then return 0; fi
    sleep 2
  done
  echo "engine did not answer within 180s; its last log lines:"
  docker logs --tail 30 "$ENGINE_NAME" 2>&1
  return 1
}

seed_registry() {
  local ref="$REGISTRY_ADDR/library/debian:bookworm"
  docker tag "$BASE_IMAGE" "$ref"
  docker push "$ref"
}

if [ "$running_id" = "$image_id" ] && registry_answers && engine_answers; then
  echo "==> engine $ENGINE_NAME: running"
else
  step engine-start start_engine
  step engine-ready wait_ready
fi
if curl -fsS -o /dev/null "http://$REGISTRY_ADDR/v2/library/debian/manifests/bookworm" \
     -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' 2>/dev/null; then
  echo "==> registry: base image present"
else
  step registry-seed seed_registry
fi
