#!/usr/bin/env bash
# Pushes the images the built-in SDKs pull at run time to the embedded registry: the Python
# base image of the containers that serve Python modules (the python-sdk runtime's
# base-image, python:3.11-slim-bookworm under the docker.io mirror).
source "$(dirname "$0")/lib.sh"

build_python() { # REF INPUTS
  docker_build "$PROVISION_DIR/sdk/python.Dockerfile" "$PROVISION_DIR/sdk" "$1" "$2"
}

base_hash=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")
publish sdk-python library/python 3.11-slim-bookworm \
  "$(echo "$base_hash $(hash_of "$PROVISION_DIR/sdk/python.Dockerfile")" | sha256sum | cut -c1-16)" build_python
