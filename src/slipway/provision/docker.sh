#!/usr/bin/env bash
# Ensures a Docker daemon answers: installs Debian's docker.io and starts dockerd when none runs.
source "$(dirname "$0")/lib.sh"

if docker info >/dev/null 2>&1; then
  echo "==> docker: daemon already running"
  exit 0
fi

start_dockerd() {
  command -v dockerd >/dev/null || die "dockerd missing after install"
  nohup dockerd --log-level=warn >"$SLIPWAY_LOGS/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "dockerd did not answer within 60s; see $SLIPWAY_LOGS/dockerd.log"
  return 1
}

step docker-start start_dockerd
