#!/bin/bash
# Instructions (valgrind's callgrind) of a linear training on the typed
# table of bench/typed_table.sql and of the scan it is measured against,
# each in a single-user backend of a throwaway cluster: counts repeat
# from run to run whatever else the machine does, where timings here move
# by 10%.  Run as root after `make install`; ROWS (default 200000).
#   bench/callgrind_typed.sh            the two totals
#   KEEP=1 bench/callgrind_typed.sh     and keep $dir/{scan,train}.out
#                                       for callgrind_annotate
set -euo pipefail
ROWS=${ROWS:-200000}
bin=$(pg_config --bindir)
dir=$(mktemp -d /tmp/mlops-callgrind.XXXXXX)
chown postgres "$dir"
as_pg() { su postgres -c "$1"; }
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

as_pg "$bin/initdb -A trust -D $dir/data >/dev/null"
as_pg "$bin/pg_ctl -D $dir/data -o '-p 5499 -k $dir -c shared_buffers=512MB' -l $dir/log -w start >/dev/null"
as_pg "psql -h $dir -p 5499 -q -c 'CREATE EXTENSION mlops CASCADE' postgres"
# a copy: the postgres user may not enter the clone (in /root, say)
install -m 644 -o postgres "$(dirname "$0")/typed_table.sql" "$dir/"
as_pg "psql -h $dir -p 5499 -q -v rows=$ROWS -f $dir/typed_table.sql postgres" >/dev/null
as_pg "psql -h $dir -p 5499 -q -c \"SELECT mlops.train('ty', 'typed', 'y', 'linear', test_size => 0)\" postgres" >/dev/null
as_pg "$bin/pg_ctl -D $dir/data -w stop >/dev/null"

declare -A Q=(
	[scan]="SELECT sum(n1+n2+n3+n4+n5+n6+n7+n8+n9+n10+n11+n12+n13), sum(octet_length(t1)+octet_length(t2)+octet_length(t3)+octet_length(t4)+octet_length(t5)), max(d1), max(d2) FROM typed;"
	[train]="SELECT count(*) FROM mlops.train('ty', 'typed', 'y', 'linear', test_size => 0, deploy => 'never');"
)
for q in scan train; do
	# a first statement loads the extension; what runs inside the executor counts
	printf 'SELECT 1 FROM mlops.versions LIMIT 1;\n%s\n' "${Q[$q]}" >"$dir/$q.sql"
	as_pg "valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file=$dir/$q.out \
		--toggle-collect=standard_ExecutorRun $bin/postgres --single -D $dir/data \
		-c max_parallel_workers_per_gather=0 -c jit=off postgres <$dir/$q.sql" >"$dir/$q.log" 2>&1
	printf '%-6s %s instructions\n' "$q" "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$dir/$q.log")"
done
[ -z "${KEEP:-}" ] || echo "kept: $dir"
