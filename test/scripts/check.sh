#!/bin/bash
# make check: build with the CI warning flags, install, run every suite in
# throwaway clusters, and end with one line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
export OPENBLAS_NUM_THREADS=1
# clusters are created in UTF-8 whatever the caller's locale (tests use multibyte names)
export LC_ALL=C.UTF-8
WARN="-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
make -s clean >/dev/null
make -s COPT="$WARN" >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
$SUDO make -s install >/dev/null || { echo "install failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0

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

# TAP, as the postgres user (initdb refuses root)
if [ "$(id -u)" -eq 0 ]; then
    owner=$(stat -c %u:%g .)
    chown -R postgres:postgres .
    RUN="runuser -u postgres --"
else
    owner=""
    RUN=""
fi
$RUN make -s prove_installcheck PROVE_FLAGS=-v 2>&1 | tee "$log"
[ -n "$owner" ] && chown -R "$owner" .
t_ok=$(grep -cE '^ok [0-9]+' "$log")
t_bad=$(grep -cE '^not ok [0-9]+' "$log")
grep -qE '^Result: PASS' "$log" || { [ "$t_bad" -eq 0 ] && t_bad=1; }
passed=$((passed + t_ok))
failed=$((failed + t_bad))
rm -f "$log"

# the artifact decoder as a standalone libFuzzer target, and a regress
# subset under valgrind: one step each, with their figures
for step in test/fuzz/run.sh test/scripts/valgrind.sh; do
    if $step; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
