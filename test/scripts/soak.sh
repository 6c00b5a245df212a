#!/bin/bash
# make soak: sqlsmith against a database with mlops and trained models for
# 500,000 queries (SQLSMITH_QUERIES overrides, SQLSMITH_SEED replays), in
# a throwaway TAP cluster: test/t/004_sqlsmith.pl, which make check runs
# with 20,000.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
. test/scripts/common.sh
export SQLSMITH_QUERIES=${SQLSMITH_QUERIES:-500000}

build_and_install
run_tap test/t/004_sqlsmith.pl
echo "$tap_ok passed, $tap_bad failed"
[ "$tap_bad" -eq 0 ]
