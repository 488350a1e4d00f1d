#!/usr/bin/env bash
# Installs the Debian packages provisioning needs on the host, once.
source "$(dirname "$0")/lib.sh"

# rsync: gitlab-ci-local (tool-binaries.sh) copies the checkout with it.
PACKAGES=(docker.io debootstrap docker-registry libseccomp-dev pkg-config git iptables rsync)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> host packages: present"
  exit 0
fi
install_packages() {
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}
step host-packages install_packages
