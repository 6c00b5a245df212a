#!/bin/sh
# make demo: build, install, start a throwaway cluster, train and score on
# data/diabetes.csv, deploy a second version and roll back.
set -e
cd "$(dirname "$0")/../.."
. test/scripts/common.sh
build_and_install
exec pg_virtualenv -t -v 15 psql -X -q -v ON_ERROR_STOP=1 -d postgres -f test/scripts/demo.sql
