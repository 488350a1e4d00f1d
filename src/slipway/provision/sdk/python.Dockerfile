# python:3.11-slim-bookworm stand-in: Debian bookworm's Python 3.11, the base image of the
# containers that serve Python Dagger modules (see python-sdk/runtime).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      ca-certificates python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/python3 /usr/local/bin/python && python --version
