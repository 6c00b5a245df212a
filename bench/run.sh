#!/bin/sh
# make bench: build and install mlops, then run bench/bench.sh in a
# throwaway PostgreSQL 15 cluster sized to keep the bench table cached.
set -e
cd "$(dirname "$0")/.."
. test/scripts/common.sh
build_and_install
exec pg_virtualenv -t -v 15 \
	-o shared_buffers=1GB -o work_mem=64MB -o maintenance_work_mem=1GB -o jit=off \
	-o max_worker_processes=8 -o max_parallel_workers=8 \
	-o synchronous_commit=off -o checkpoint_timeout=30min -o max_wal_size=4GB \
	bench/bench.sh "$@"
