#!/bin/bash
# make check: build with the CI warning flags, install, run every suite in
# throwaway clusters, and end with one line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
. test/scripts/common.sh
WARN="-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers"

make -s clean >/dev/null
build_and_install "$WARN"

passed=0
failed=0

# the regress subset under valgrind runs beside the other suites, from
# the start (one core's work for eight minutes; the others mostly use one
# core too): CI's budget is 20 minutes.  Its report comes at the end.
vg_log=$(mktemp)
test/scripts/valgrind.sh >"$vg_log" 2>&1 &
vg_pid=$!
vg_start=$(date +%s)
# each step's seconds, printed at the end (CI's budget is 20 minutes)
times=""
t0=$(date +%s)
lap() { local t; t=$(date +%s); times="$times $1 $((t - t0))s,"; t0=$t; }

# pg_regress, in a throwaway cluster (pg_virtualenv works as root too)
log=$(mktemp)
pg_virtualenv -t -v 15 make -s installcheck 2>&1 | tee "$log"
r_ok=$(grep -cE '\.\.\. ok' "$log")
r_bad=$(grep -cE '\.\.\. FAILED|^not ok [0-9]+ ' "$log")
[ -f regression.diffs ] && [ "$r_bad" -gt 0 ] && head -200 regression.diffs
# bad-input cases whose SQLSTATE the expected output pins
echo "bad-input cases with a pinned SQLSTATE: $(grep -hE '^ [0-9A-Z]{5}: |^[0-9A-Z]{5}$' expected/*.out | wc -l)"
passed=$((passed + r_ok))
failed=$((failed + r_bad))
if [ "$r_ok" -eq 0 ] && [ "$r_bad" -eq 0 ]; then
    echo "pg_regress did not run"
    failed=$((failed + 1))
fi
lap pg_regress

# TAP, as the postgres user
run_tap
passed=$((passed + tap_ok))
failed=$((failed + tap_bad))
rm -f "$log"
lap TAP

# one counted step: a TAP test run from a copy of the tree in a fresh
# directory the postgres user cannot enter (0700, as /root is), so that
# nothing depends on where the clone is
away=$(mktemp -d)
mkdir "$away/mlops"
copy_tree "$away/mlops"
if (cd "$away/mlops" && run_tap test/t/002_tenancy.pl >"$away/tap.log" 2>&1 &&
        [ "$tap_ok" -gt 0 ] && [ "$tap_bad" -eq 0 ]); then
    echo "TAP from a 0700 directory ($away): ok"
    passed=$((passed + 1))
else
    echo "TAP from a 0700 directory ($away): FAILED"
    tail -40 "$away/tap.log"
    failed=$((failed + 1))
fi
rm -rf "$away"
lap "TAP-0700"

# the evaluation metrics against scikit-learn's in a standalone program
# (test/unit, 1310 cases) and the artifact decoder as a standalone
# libFuzzer target: one step each, with their figures
for step in test/unit/run.sh test/fuzz/run.sh; do
    if $step; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
    lap "$(basename "$(dirname "$step")")"
done

# ... and the valgrind step, when it is done
if wait "$vg_pid"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
cat "$vg_log"
rm -f "$vg_log"
lap "waiting for valgrind (it ran $(( $(date +%s) - vg_start ))s)"
echo "seconds per step:${times%,}"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
