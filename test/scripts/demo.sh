#!/bin/sh
# make demo: build, install, start a throwaway cluster, train and score on
# data/diabetes.csv, deploy a second version and roll back.
set -e
cd "$(dirname "$0")/../.."
make -s >/dev/null
if [ "$(id -u)" -eq 0 ]; then make -s install >/dev/null; else sudo make -s install >/dev/null; fi
export OPENBLAS_NUM_THREADS=1
# clusters are created in UTF-8 whatever the caller's locale (tests use multibyte names)
export LC_ALL=C.UTF-8
exec pg_virtualenv -t -v 15 psql -X -q -v ON_ERROR_STOP=1 -d postgres -f test/scripts/demo.sql
