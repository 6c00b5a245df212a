#!/bin/bash
# The body of `make bench`, run by bench/run.sh inside a throwaway cluster
# (PGHOST/PGPORT/PGUSER set by pg_virtualenv).  Builds the table, checks
# that the fit recovers the known coefficients and that parallel plans
# really launch workers, then times every query REPS times, interleaved,
# in one session per max_parallel_workers_per_gather setting, and prints
# median ratios against the targets.
#
# Environment: BENCH_ROWS (default 1000000), BENCH_REPS (default 7).
set -euo pipefail
ROWS=${BENCH_ROWS:-1000000}
REPS=${BENCH_REPS:-7}
NFEAT=20
PSQL="psql -X -q -v ON_ERROR_STOP=1 -d postgres"

cols() { # cols SEP PREFIX: x1 SEP x2 ... x20
	local s="" j
	for j in $(seq 1 $NFEAT); do s="$s${s:+$1}$2x$j"; done
	echo "$s"
}

echo "mlops bench: $ROWS rows x $NFEAT features, $REPS timed runs per query (median)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), PostgreSQL $($PSQL -Atc 'SHOW server_version')"

# x_j uniform on [-1, 1) from a hash of (row, column): the same table on
# every run and every platform; y = 3 + sum_j c_j x_j + noise, with
# c_j = (-1)^j j / 10 and noise uniform on [-0.05, 0.05).
xs=""; truth=""
for j in $(seq 1 $NFEAT); do
	xs="$xs, hashint8(i * 32 + $j)::float8 / 2147483648.0 AS x$j"
	truth="$truth + (CASE WHEN $j % 2 = 0 THEN 1 ELSE -1 END) * $j / 10.0 * x$j"
done
t0=$(date +%s.%N)
$PSQL <<SQL
CREATE EXTENSION IF NOT EXISTS mlops;
DROP TABLE IF EXISTS bench;
CREATE TABLE bench ($(cols ', ' '' | sed 's/x\([0-9]*\)/x\1 float8 NOT NULL/g'), y float8 NOT NULL);
INSERT INTO bench
SELECT $(cols ', ' ''), 3 $truth + n * 0.05
FROM (SELECT i$xs, hashint8(i * 32)::float8 / 2147483648.0 AS n
      FROM generate_series(1, $ROWS) AS i) s;
VACUUM (FREEZE, ANALYZE) bench;
SQL
printf 'table built in %.0f s, %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" \
	"$($PSQL -Atc "SELECT pg_size_pretty(pg_table_size('bench'))")"

# one model, and a sanity check of its fit against the known coefficients
$PSQL -Atc "SELECT * FROM mlops.train('m', 'bench', 'y', 'linear', test_size => 0)" >/dev/null
$PSQL -At <<'SQL'
SELECT format('fit: max |coef - truth| = %s (intercept %s), %s',
              to_char(max(abs(estimate - CASE WHEN term = '(Intercept)' THEN 3
                              ELSE (CASE WHEN substr(term, 2)::int % 2 = 0 THEN 1 ELSE -1 END)
                                   * substr(term, 2)::int / 10.0 END)), '9.9EEEE'),
              round(max(estimate) FILTER (WHERE term = '(Intercept)')::numeric, 4),
              CASE WHEN max(abs(estimate - CASE WHEN term = '(Intercept)' THEN 3
                            ELSE (CASE WHEN substr(term, 2)::int % 2 = 0 THEN 1 ELSE -1 END)
                                 * substr(term, 2)::int / 10.0 END)) < 1e-3
                   THEN 'ok' ELSE 'WRONG' END)
FROM mlops.coefficients('m');
SQL

# the model as a plain SQL expression, coefficients as literals
expr=$($PSQL -Atc "SELECT string_agg(CASE WHEN term = '(Intercept)' THEN format('%s::float8', estimate)
                                          ELSE format('%s::float8 * %I', estimate, term) END,
                                     ' + ' ORDER BY ord)
                   FROM mlops.coefficients('m') WITH ORDINALITY AS c(term, estimate, s, t, p, ord)")

Q_SCAN="SELECT sum($(cols ' + ' '') + y) FROM bench"
Q_TRAIN0="SELECT * FROM mlops.train('m', 'bench', 'y', 'linear', test_size => 0)"
Q_TRAIN25="SELECT * FROM mlops.train('m', 'bench', 'y', 'linear')"
Q_EXPR="SELECT sum($expr) FROM bench"
Q_ARRAY="SELECT sum(mlops.predict('m', ARRAY[$(cols ', ' '')])) FROM bench"
Q_ROW="SELECT sum(mlops.predict('m', t)) FROM bench t"
NAMES="scan train0 train25 expr array row"
declare -A Q=([scan]=$Q_SCAN [train0]=$Q_TRAIN0 [train25]=$Q_TRAIN25
              [expr]=$Q_EXPR [array]=$Q_ARRAY [row]=$Q_ROW)

PAR="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather ="

# the answers must agree: the model's own scores and its SQL expression
$PSQL -At <<SQL
SELECT format('scores: predict(array) - expression = %s, predict(row) - expression = %s',
              to_char(a - e, '9.9EEEE'), to_char(r - e, '9.9EEEE'))
FROM (${Q_EXPR/SELECT/SELECT} ) e(e),
     (${Q_ARRAY}) a(a), (${Q_ROW}) r(r);
SQL

# parallel plans must really launch their workers (training: the nested
# aggregate query, shown by auto_explain)
for name in scan expr array row; do
	launched=$($PSQL -At -c "$PAR 2" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${Q[$name]}" |
		sed -n 's/.*Workers Launched: //p')
	echo "workers launched (2 allowed): $name ${launched:-0}"
done
launched=$($PSQL -At 2>&1 >/dev/null <<SQL | sed -n 's/.*Workers Launched: //p' | head -1
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off; SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice; SET client_min_messages = notice;
$PAR 2;
$Q_TRAIN0;
SQL
)
echo "workers launched (2 allowed): train ${launched:-0}"

# timed runs: one warm-up round, then REPS rounds of every query, interleaved.
# A ratio is the median over rounds of (query / baseline in the same round),
# so load that comes and goes on the box hits both sides of a ratio alike.
# The plain SQL baselines run in a session of their own that never loads
# mlops: a parallel worker loads every library its leader has loaded, so in
# the session that scores, a baseline would pay the extension's load cost
# in each worker too and hide it from the ratio.  scan_m is the scan in the
# mlops session, which shows that cost on a query that does not use mlops.
Q[scan_m]=$Q_SCAN
NAMES="$NAMES scan_m"
declare -A SESSION=([scan]=sql [expr]=sql)
declare -A MED T FD PID
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nsync=0
send() { # send SESSION NAME QUERY: run it and wait for its end
	local s=$1
	nsync=$((nsync + 1))
	printf '\\echo @%s\n%s;\n\\echo @sync%d\n' "$2" "$3" $nsync >&"${FD[$s]}"
	until grep -q "^@sync$nsync\$" "$tmp/$s.out"; do
		kill -0 "${PID[$s]}" 2>/dev/null || { cat "$tmp/$s.out" >&2; exit 1; }
		sleep 0.01
	done
}
for w in 0 2; do
	# both readers first, so that neither inherits the other's write end
	for s in sql mlops; do
		mkfifo "$tmp/$s"
		: >"$tmp/$s.out"
		$PSQL <"$tmp/$s" >"$tmp/$s.out" 2>&1 &
		PID[$s]=$!
	done
	for s in sql mlops; do
		exec {fd}>"$tmp/$s"
		FD[$s]=$fd
		echo "$PAR $w;" >&"$fd"
		echo '\o /dev/null' >&"$fd"
	done
	for name in $NAMES; do send "${SESSION[$name]:-mlops}" "$name" "${Q[$name]}"; done
	for s in sql mlops; do echo '\timing on' >&"${FD[$s]}"; done
	for r in $(seq 1 "$REPS"); do
		for name in $NAMES; do send "${SESSION[$name]:-mlops}" "$name" "${Q[$name]}"; done
	done
	for s in sql mlops; do
		fd=${FD[$s]}
		exec {fd}>&-
		wait "${PID[$s]}"
		rm -f "$tmp/$s"
	done
	for name in $NAMES; do
		T[$name,$w]=$(awk -v n="@$name" '
			/^@/ { cur = $1; next }
			/^Time:/ && cur == n { print $2 }' "$tmp/${SESSION[$name]:-mlops}.out")
		MED[$name,$w]=$(echo "${T[$name,$w]}" | median)
	done
done
ratio() { # ratio name base w: median over rounds of name / base
	paste <(echo "${T[$1,$3]}") <(echo "${T[$2,$3]}") | awk '{ printf "%.4f\n", $1 / $2 }' | median
}

echo
printf '%-44s %9s %9s %7s %7s  %-15s %s\n' "query (median ms)" "w=0" "w=2" "ratio0" "ratio2" "target w=0" "target w=2"
fail=0
verdict() { # verdict RATIO TARGET: the target cell, in V
	if [ -z "$2" ]; then
		V=""
	elif [ "$(echo "$1 > $2" | bc)" = 1 ]; then
		V="<= $2: FAIL"; fail=1
	else
		V="<= $2: pass"
	fi
}
line() { # name base target0 target2 label: each ratio against its own-w baseline
	local n=$1 b=$2 r0 r2 v0
	r0=$(ratio "$n" "$b" 0)
	r2=$(ratio "$n" "$b" 2)
	verdict "$r0" "$3"; v0=$V
	verdict "$r2" "$4"
	printf '%-44s %9.1f %9.1f %7.2f %7.2f  %-15s %s\n' "$5" "${MED[$n,0]}" "${MED[$n,2]}" \
		"$r0" "$r2" "$v0" "$V"
}
printf '%-44s %9.1f %9.1f\n' "scan: sum(x1+...+x20+y)" "${MED[scan,0]}" "${MED[scan,2]}"
line scan_m scan "" "" "scan in the session that ran mlops / scan"
line train0 scan 1.5 1.3 "train, test_size 0 (1 pass) / scan"
line train25 scan 3.0 2.6 "train, test_size 0.25 (2 passes) / scan"
printf '%-44s %9.1f %9.1f\n' "expr: sum(b0 + b1*x1 + ... + b20*x20)" "${MED[expr,0]}" "${MED[expr,2]}"
line array expr 1.5 1.15 "sum(predict('m', ARRAY[x1..x20])) / expr"
line row expr 1.3 1.4 "sum(predict('m', t)) / expr"

# one-row scoring: pgbench, prepared statements, 4 clients, the same
# statement with and without predict, as a superuser and as a role that
# holds only predict on the model; rounds interleaved, median of the
# per-round latency ratios
vals=$(seq 1 $NFEAT | awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $1 / 10 }')
echo "SELECT ARRAY[$vals]::float8[];" >"$tmp/plain.sql"
echo "SELECT mlops.predict('m', ARRAY[$vals]::float8[]);" >"$tmp/predict.sql"
$PSQL -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS bench_scorer" \
	-c "CREATE ROLE bench_scorer LOGIN PASSWORD '${PGPASSWORD:-bench}'" \
	-c "SELECT mlops.grant('m', 'predict', 'bench_scorer')" >/dev/null
PGB_SECS=${BENCH_PGBENCH_SECS:-4}
declare -A LAT
latency() { # latency USER SCRIPT: average latency in ms
	PGPASSWORD=${PGPASSWORD:-bench} pgbench -n -M prepared -c 4 -j 2 -T "$PGB_SECS" \
		-U "$1" -f "$tmp/$2.sql" postgres 2>/dev/null | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'
}
for r in 1 2 3; do
	for u in "$($PSQL -Atc 'SELECT current_user')" bench_scorer; do
		p=$(latency "$u" plain)
		q=$(latency "$u" predict)
		k=$([ "$u" = bench_scorer ] && echo role || echo super)
		LAT[$k]="${LAT[$k]:-}$(echo "$q $p" | awk '{ printf "%.4f %s %s", $1 / $2, $1 * 1000, $2 * 1000 }')
"
	done
done
printf '%-44s %9s %9s %7s  %s\n' "one-row statement (pgbench, median us)" "plain" "predict" "ratio" "target"
for k in super role; do
	rr=$(printf '%s' "${LAT[$k]}" | awk 'NF { print $1 }' | median)
	pp=$(printf '%s' "${LAT[$k]}" | awk 'NF { print $3 }' | median)
	qq=$(printf '%s' "${LAT[$k]}" | awk 'NF { print $2 }' | median)
	verdict "$rr" 1.5
	printf '%-44s %9.1f %9.1f %7.2f  %s\n' \
		"$([ $k = role ] && echo "predict-only role" || echo "superuser")" "$pp" "$qq" "$rr" "$V"
done
$PSQL -c "SELECT mlops.revoke('m', 'predict', 'bench_scorer')" -c "DROP ROLE bench_scorer" >/dev/null

echo
if [ $fail = 0 ]; then echo "bench: all targets met"; else echo "bench: some targets MISSED"; fi
