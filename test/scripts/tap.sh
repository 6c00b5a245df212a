#!/bin/bash
# Run TAP tests (all of them, or the ones named) against the installed
# extension, from a copy of the tree, as the postgres user when run as
# root; works wherever the tree is (/root included).  Ends with
# "N passed, N failed".
#
#   test/scripts/tap.sh                             every test/t/*.pl
#   test/scripts/tap.sh test/t/002_tenancy.pl       one test
set -u
cd "$(dirname "$0")/../.."
. test/scripts/common.sh

run_tap "$*"
echo "$tap_ok passed, $tap_bad failed"
[ "$tap_bad" -eq 0 ]
