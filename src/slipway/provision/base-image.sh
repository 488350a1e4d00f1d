#!/usr/bin/env bash
# Builds a Debian bookworm base image with debootstrap (no registry pull) as $BASE_IMAGE.
source "$(dirname "$0")/lib.sh"

TARBALL="$SLIPWAY_CACHE/base/bookworm-minbase.tar"

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "==> base image $BASE_IMAGE: present"
  exit 0
fi

debootstrap_rootfs() {
  local root
  root=$(mktemp -d "$SLIPWAY_CACHE/base/rootfs.XXXX")
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
  # Same sources as the host, so apt in derived images sees security updates too.
  cat >"$root/etc/apt/sources.list" <<'SOURCES'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
  rm -rf "$root"
}

import_image() {
  docker import --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$TARBALL" "$BASE_IMAGE"
}

mkdir -p "$SLIPWAY_CACHE/base"
[ -f "$TARBALL" ] || step base-debootstrap debootstrap_rootfs
step base-import import_image
