#!/usr/bin/env bash
# Build the TEST DOUBLES kubeadm, kubelet and kubectl as .deb packages in test/doubles/debs/ (plus a flat
# apt repository index, Packages and Release), for `tsplay lab up N --repo test/doubles/debs`. They are tsplay test
# doubles, not Kubernetes: Kubernetes cannot run in the lab's containers and cannot be downloaded here, so
# these stand-ins let the roles' real install path, ordering and hand-over of join material run for real.
#   test/doubles/build-debs.sh [KUBE_VERSION]        (default 1.27.0, the roles' kube_version)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-1.27.0}
revision=0tsplaydouble1
out=$here/debs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
rm -f "$out"/*.deb "$out"/Packages "$out"/Packages.gz "$out"/Release

# package NAME DEPENDS DESCRIPTION FILE:DEST[:MODE]...
package() {
  local name=$1 depends=$2 description=$3 root=$work/$1
  shift 3
  mkdir -p "$root/DEBIAN"
  for spec in "$@"; do
    local src=${spec%%:*} rest=${spec#*:}
    local dest=${rest%%:*} mode=${rest#*:}
    [ "$mode" = "$rest" ] && mode=0755
    install -D -m "$mode" "$here/src/$src" "$root$dest"
    sed -i "s/@VERSION@/$version/g" "$root$dest"
  done
  cat > "$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version-$revision
Architecture: all
Maintainer: tsplay tests <tsplay@localhost>
Depends: $depends
Section: admin
Priority: optional
Description: $description (tsplay test double, not Kubernetes)
 Stand-in for the Kubernetes package of the same name, built by tsplay's test suite
 (test/doubles/build-debs.sh) for lab hosts where Kubernetes cannot run.
 It is NOT Kubernetes and must never be installed on a real machine.
CONTROL
  if [ "$name" = kubelet ]; then
    # Like the upstream package: the service is enabled and started, and waits for kubeadm's configuration.
    cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable kubelet.service >/dev/null 2>&1
  systemctl restart kubelet.service
fi
POSTINST
    cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl disable --now kubelet.service >/dev/null 2>&1 || true; fi
PRERM
    chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
  fi
  dpkg-deb --root-owner-group --build "$root" "$out/${name}_${version}-${revision}_all.deb" >/dev/null
}

package kubelet 'bash, socat' 'kubelet' \
  kubelet.sh:/usr/bin/kubelet apiserver-reply.sh:/usr/lib/tsplay-double/apiserver-reply \
  kubelet.service:/lib/systemd/system/kubelet.service:0644
package kubeadm 'python3, python3-yaml, openssl' 'kubeadm' \
  kubeadm.py:/usr/bin/kubeadm common.py:/usr/lib/tsplay-double/kubeadm/common.py:0644
package kubectl 'python3, python3-yaml' 'kubectl' \
  kubectl.py:/usr/bin/kubectl common.py:/usr/lib/tsplay-double/kubectl/common.py:0644

# A flat repository index (deb [trusted=yes] URL ./), written without dpkg-dev.
for deb in "$out"/*.deb; do
  dpkg-deb -f "$deb"
  echo "Filename: ./$(basename "$deb")"
  echo "Size: $(stat -c %s "$deb")"
  echo "MD5sum: $(md5sum "$deb" | cut -d' ' -f1)"
  echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"
  echo
done > "$out/Packages"
gzip -9nk "$out/Packages"
# A Release file lets apt use the flat repository as [trusted=yes] without complaining about its absence.
{
  echo "Origin: tsplay test doubles"
  echo "Label: tsplay test doubles (not Kubernetes)"
  echo "Date: $(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')"
  echo "SHA256:"
  for index in Packages Packages.gz; do
    echo " $(sha256sum "$out/$index" | cut -d' ' -f1) $(stat -c %s "$out/$index") $index"
  done
} > "$out/Release"
ls "$out"
