#!/bin/bash
# Run a small regress subset against a server running under valgrind
# (memcheck) and print
#   valgrind: N errors in N processes (tests: ...)
# Exit status 0 only when memcheck reported no error in any process (the
# postmaster and every backend and parallel worker it forked) and the
# tests ran without a backend crash.
#
#   test/scripts/valgrind.sh                        the default list below
#   VALGRIND_TESTS="readme score_input" test/scripts/valgrind.sh
#
# The extension must already be installed (make install).  The cluster is
# a throwaway one in a temporary directory, owned by the postgres user
# when run as root (initdb and postgres refuse root), which is also where
# the server reads the suppressions and writes valgrind's logs: the tree
# may be where postgres cannot read it (/root).  Logs are copied to
# build/valgrind (git-ignored).  The Debian server is not built with
# USE_VALGRIND, so memcheck sees malloc-level blocks rather than palloc
# chunks: it catches reads of uninitialised memory and overruns of whole
# blocks (and anything OpenBLAS or LAPACK does), not overruns inside a
# memory context; the fuzzer (test/fuzz) covers the artifact decoder at
# chunk granularity.
set -u
cd "$(dirname "$0")/../.."

# scoring input and the parallel aggregates, then every family's suite
# (train, predict, predict_proba, predict_label, transform, centers,
# components, their pass aggregates and crafted states) and evaluate
# (evaluate, confusion_matrix, roc_curve of each task) and typed features
# (the feature spec's learning, encoder and decoder).  The trees run in
# the script below rather than as algo_random_forest/algo_xgboost (XGBoost
# is C++, loaded by dlopen): it trains each task of both families once,
# which is what memcheck needs, in a third of those suites' time (CI's
# 20-minute budget), and algo_xgboost's 300 ms statement_timeout lands
# elsewhere under valgrind (an extra CONTEXT line).
DEFAULT_TESTS="score_input agg_parallel algo_elastic_net algo_kmeans algo_logistic
    algo_naive_bayes algo_pca evaluate typed_features"
TESTS=${VALGRIND_TESTS:-$(echo $DEFAULT_TESTS)}
# ... then, unless VALGRIND_TREES=0 (default: only with the default
# tests), a script of tree models: boosted multi-class with early
# stopping, binary and regression (with XGBoost's own threads), forests,
# scoring and feature_importance in parallel workers, and a training
# cancelled while boosting (XGBoost's handles freed with its context)
TREES=${VALGRIND_TREES:-$([ -z "${VALGRIND_TESTS:-}" ] && echo 1 || echo 0)}
BIN=$(pg_config --bindir)
OUT=build/valgrind
SUPP=test/scripts/valgrind.supp
PORT=${VALGRIND_PGPORT:-54329}
export OPENBLAS_NUM_THREADS=1

rm -rf "$OUT"
mkdir -p "$OUT/vg"
tmp=$(mktemp -d /tmp/mlops-valgrind.XXXXXX)
mkdir "$tmp/vg"
cp "$SUPP" "$tmp/valgrind.supp"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$tmp"
    # and start in $tmp: postgres may not be able to enter the tree
    RUN="runuser -u postgres -- env -C $tmp"
else
    RUN=""
fi
cleanup() {
    [ -f "$tmp/data/postmaster.pid" ] &&
        $RUN "$BIN/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT

$RUN "$BIN/initdb" -D "$tmp/data" -U postgres -A trust --no-sync \
    >"$OUT/initdb.log" 2>&1 || { echo "valgrind: initdb failed"; exit 1; }

# postgres forks its backends without exec, so valgrind follows them;
# --trace-children covers anything it does exec.  No --error-exitcode: a
# backend exiting non-zero would make the postmaster restart them all.
start=$(date +%s)
$RUN env OPENBLAS_NUM_THREADS=1 valgrind \
    --tool=memcheck --trace-children=yes --leak-check=no \
    --num-callers=30 --error-limit=no --suppressions="$tmp/valgrind.supp" \
    ${VALGRIND_OPTS:-} \
    --log-file="$tmp/vg/%p.log" \
    "$BIN/postgres" -D "$tmp/data" -p "$PORT" -k "$tmp" \
    -c listen_addresses= -c fsync=off -c shared_buffers=16MB \
    -c max_parallel_workers_per_gather=2 \
    >"$OUT/server.log" 2>&1 &

up=""
for _ in $(seq 1 120); do
    if "$BIN/pg_isready" -q -h "$tmp" -p "$PORT"; then up=1; break; fi
    sleep 1
done
[ -n "$up" ] || { echo "valgrind: server did not start"; tail "$OUT/server.log"; exit 1; }

# results and diffs go to $OUT/regress, not over a concurrent run's
mkdir -p "$OUT/regress"
ln -s "$PWD/expected" "$OUT/regress/expected"
PGHOST=$tmp PGPORT=$PORT PGUSER=postgres \
    make -s installcheck REGRESS="$TESTS" \
    EXTRA_REGRESS_OPTS="--outputdir=$OUT/regress" >"$OUT/regress.log" 2>&1
r_ok=$(grep -cE '\.\.\. ok|^ok [0-9]+ ' "$OUT/regress.log")
r_bad=$(grep -cE '\.\.\. FAILED|^not ok [0-9]+ ' "$OUT/regress.log")

trees="skipped"
if [ "$TREES" = 1 ]; then
    "$BIN/psql" -X -h "$tmp" -p "$PORT" -U postgres -d postgres -q \
        -c 'DROP DATABASE IF EXISTS valgrind_trees' -c 'CREATE DATABASE valgrind_trees' \
        >"$OUT/trees.log" 2>&1 &&
    "$BIN/psql" -X -h "$tmp" -p "$PORT" -U postgres -d valgrind_trees -v ON_ERROR_STOP=1 \
        >>"$OUT/trees.log" 2>&1 <<'EOF'
CREATE EXTENSION mlops;
CREATE TABLE vt AS
SELECT g AS id, (g % 17)::float8 AS x1,
       CASE WHEN g % 13 = 0 THEN NULL ELSE ((g * 7) % 11)::float8 END AS x2,
       g % 3 = 0 AS b, (ARRAY['a', 'b', 'c'])[1 + ((g % 17) + abs(hashint4(g)) % 4) / 7] AS lab,
       (g % 17) * 2.0 + ((g * 7) % 11) + (g % 5) * 0.1 AS y
FROM generate_series(1, 1500) g;
-- boosted: multi-class with early stopping, binary, regression on NULLs
-- (missing values) with two XGBoost threads; forests of each task
SELECT model, algorithm, metrics->>'rounds' AS rounds
FROM mlops.train('vt_multi', 'vt', 'lab', 'xgboost',
                 '{"n_estimators": 40, "max_depth": 3, "early_stopping_rounds": 3}',
                 features => '{x1,x2,b}');
SELECT model, algorithm FROM mlops.train('vt_bin', 'vt', 'b', 'xgboost', '{"n_estimators": 10}',
                                         features => '{x1,x2}');
SET mlops.xgboost_threads = 2;
SELECT model, algorithm FROM mlops.train('vt_reg', 'vt', 'y', 'xgboost',
                                         '{"n_estimators": 20, "tree_method": "hist"}',
                                         features => '{x1,x2}');
RESET mlops.xgboost_threads;
SELECT model, algorithm FROM mlops.train('vt_rf', 'vt', 'lab', 'random_forest', '{"n_estimators": 20}',
                                         features => '{x1,x2,b}');
SELECT model, algorithm FROM mlops.train('vt_rfr', 'vt', 'y', 'random_forest',
                                         '{"n_estimators": 20, "impute": "median"}',
                                         features => '{x1,x2}');
-- scoring (row and array forms, NULLs as missing values) and
-- feature_importance, in parallel workers
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT sum(mlops.predict('vt_reg', t)), sum(mlops.predict('vt_rfr', ARRAY[x1, x2])),
       count(mlops.predict_label('vt_multi', t)), sum((mlops.predict_proba('vt_rf', t))[1]),
       sum((mlops.predict_proba('vt_bin', ARRAY[x1, x2]))[2])
FROM vt t;
SELECT count(*), sum(f.weight) FROM vt t, LATERAL mlops.feature_importance('vt_multi') f
WHERE t.id < 200;
RESET max_parallel_workers_per_gather;
SELECT feature, weight, round(gain::numeric, 3) AS gain FROM mlops.feature_importance('vt_rf');
SELECT * FROM mlops.feature_importance('vt_reg@1');
SELECT mlops.evaluate('vt_multi', 'vt', 'lab')->>'accuracy' AS accuracy,
       mlops.evaluate('vt_rfr', 'vt', 'y')->>'r2' AS r2;
-- a training cancelled while it boosts
SET statement_timeout = '5s';
DO $$
BEGIN
    PERFORM mlops.train('vt_cancel', 'vt', 'y', 'xgboost', '{"n_estimators": 100000}',
                        features => '{x1,x2}');
    RAISE EXCEPTION 'the training was not cancelled';
EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE 'cancelled';
END
$$;
RESET statement_timeout;
SELECT count(*) AS cancelled_versions FROM mlops.versions WHERE model = 'vt_cancel';
EOF
    [ $? -eq 0 ] && trees="ok" || trees="failed"
fi

$RUN "$BIN/pg_ctl" -D "$tmp/data" -m fast -w -t 120 stop >/dev/null 2>&1
wait
secs=$(( $(date +%s) - start ))
cp "$tmp"/vg/*.log "$OUT/vg/" 2>/dev/null

nproc=$(ls "$OUT/vg" | wc -l)
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$OUT"/vg/*.log |
    awk '{ s += $1 } END { print s + 0 }')
bad_logs=$(grep -lE 'ERROR SUMMARY: [1-9]' "$OUT"/vg/*.log 2>/dev/null)
crashes=$(grep -cE 'terminated by signal|was terminated by exception' "$OUT/server.log")
suppressed=$(sed -n 's/.*ERROR SUMMARY: .*(suppressed: \([0-9]*\) from.*/\1/p' "$OUT"/vg/*.log |
    awk '{ s += $1 } END { print s + 0 }')
echo "valgrind: $errors errors in $nproc processes ($suppressed suppressed as PostgreSQL-internal; tests: $r_ok ok, $r_bad failed; trees: $trees; $crashes crashes; ${secs}s)"
for f in $bad_logs; do
    echo "--- $f"
    head -60 "$f"
done
[ "$r_bad" -gt 0 ] && head -40 "$OUT/regress/regression.diffs"
[ "$trees" = failed ] && tail -20 "$OUT/trees.log"
[ "$errors" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "$r_ok" -gt 0 ] && [ "$r_bad" -eq 0 ] &&
    [ "$trees" != failed ]
