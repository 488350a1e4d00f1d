#!/bin/sh
# Starts the embedded registry, then the engine in the foreground.
set -e
docker-registry serve /etc/dagger/registry.yml >/var/log/registry.log 2>&1 &
update-ca-certificates >/dev/null 2>&1 || true
exec dagger-engine --config /etc/dagger/engine.toml "$@"
