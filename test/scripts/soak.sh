#!/bin/bash
# make soak: sqlsmith against a database with mlops and trained models for
# 500,000 queries (SQLSMITH_QUERIES overrides, SQLSMITH_SEED replays), in
# a throwaway TAP cluster: test/t/004_sqlsmith.pl, which make check runs
# with 20,000.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
export OPENBLAS_NUM_THREADS=1
# clusters are created in UTF-8 whatever the caller's locale (tests use multibyte names)
export LC_ALL=C.UTF-8
export SQLSMITH_QUERIES=${SQLSMITH_QUERIES:-500000}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
make -s >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
$SUDO make -s install >/dev/null || { echo "install failed"; echo "0 passed, 1 failed"; exit 1; }

# TAP, as the postgres user (initdb refuses root)
if [ "$(id -u)" -eq 0 ]; then
    owner=$(stat -c %u:%g .)
    chown -R postgres:postgres .
    RUN="runuser -u postgres --"
else
    owner=""
    RUN=""
fi
log=$(mktemp)
$RUN make -s prove_installcheck PROVE_TESTS=test/t/004_sqlsmith.pl PROVE_FLAGS=-v 2>&1 | tee "$log"
[ -n "$owner" ] && chown -R "$owner" .
ok=$(grep -cE '^ok [0-9]+' "$log")
bad=$(grep -cE '^not ok [0-9]+' "$log")
grep -qE '^Result: PASS' "$log" || { [ "$bad" -eq 0 ] && bad=1; }
rm -f "$log"
echo "$ok passed, $bad failed"
[ "$bad" -eq 0 ]
