# A pipeline tool on Debian bookworm: one static binary built from the Go module proxy.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
COPY bin/ /usr/local/bin/
COPY share/ /usr/local/share/slipway/
