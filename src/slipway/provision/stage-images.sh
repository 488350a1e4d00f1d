#!/usr/bin/env bash
# Builds the pipeline stages' tool images locally and pushes them to the embedded registry.
source "$(dirname "$0")/lib.sh"
echo "==> stage images: none defined yet"
