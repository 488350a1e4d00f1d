# The engine's built-in Go SDK image (DAGGER_GO_SDK_MANIFEST_DIGEST): what the engine runs
# `codegen generate-module`, `codegen generate-typedefs` and `go build` in for Go modules.
# It mounts cache volumes at /go/pkg/mod and /root/.cache/go-build, seeded from this image.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
COPY go /usr/local/go
COPY codegen /usr/local/bin/codegen
COPY gomod /go/pkg/mod
# No GOPROXY here: the engine passes its own (_DAGGER_ENGINE_SYSTEMENV_GOPROXY) unless the
# image sets one. No C compiler in the image, so cgo is off. No sbin on PATH: an engine with
# custom CAs then appends them to the CA bundle for each exec instead of running
# update-ca-certificates before and after it (seconds each time).
ENV GOPATH=/go GOTOOLCHAIN=local CGO_ENABLED=0 \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin
RUN mkdir -p /go/bin /root/.cache/go-build && go version && codegen --help >/dev/null
# Compile the Go SDK's packages once, so the build cache the engine seeds from this image
# already holds what every generated module imports (grpc, OpenTelemetry, gqlgen, ...).
COPY sdkgo /tmp/sdkgo
RUN cd /tmp/sdkgo && GOPROXY=off GOFLAGS=-mod=mod go build ./... && rm -rf /tmp/sdkgo \
 && du -sh /root/.cache/go-build
