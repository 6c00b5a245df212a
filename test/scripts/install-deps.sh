#!/bin/sh
# Install the Debian packages mlops needs to build and test, if missing.
# Used by `make demo`, `make check` and `make bench`; safe to re-run.
set -e

PKGS="make gcc pkg-config postgresql-15 postgresql-server-dev-15 postgresql-common
      libopenblas-dev libxgboost-dev libipc-run-perl
      clang libclang-rt-14-dev valgrind sqlsmith"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "mlops: installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "mlops: run as root, or install these packages first:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
APT="$SUDO apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
# Debian's postgresql-15 would create and start a "main" cluster; mlops
# only uses throwaway clusters, so postgresql-common goes first and is told
# not to (its documented switch, create_main_cluster).
if ! dpkg-query -W -f='${Status}' postgresql-common 2>/dev/null | grep -q "install ok installed"; then
    $APT postgresql-common >/dev/null
    $SUDO sed -i 's/^#* *create_main_cluster *=.*/create_main_cluster = false/' \
        /etc/postgresql-common/createcluster.conf
fi
$APT $missing >/dev/null
