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
# (the feature spec's learning, encoder and decoder)
DEFAULT_TESTS="score_input agg_parallel algo_elastic_net algo_kmeans algo_logistic
    algo_naive_bayes algo_pca evaluate typed_features"
TESTS=${VALGRIND_TESTS:-$(echo $DEFAULT_TESTS)}
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
echo "valgrind: $errors errors in $nproc processes ($suppressed suppressed as PostgreSQL-internal; tests: $r_ok ok, $r_bad failed; $crashes crashes; ${secs}s)"
for f in $bad_logs; do
    echo "--- $f"
    head -60 "$f"
done
[ "$r_bad" -gt 0 ] && head -40 "$OUT/regress/regression.diffs"
[ "$errors" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "$r_ok" -gt 0 ] && [ "$r_bad" -eq 0 ]
