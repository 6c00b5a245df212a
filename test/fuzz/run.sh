#!/bin/bash
# Fuzz the artifact decoder outside the server: build src/artifact.c, the
# family list (src/algorithm.c) and every family's frontend-safe part
# (src/algo_*.c) with -DFRONTEND into a libFuzzer target (ASan + UBSan), generate a seed
# corpus of real artifacts, run a bounded, seeded campaign and print
#   fuzz: N execs, N findings
# Exit status 0 only when every exec ran and nothing was found.
#
#   test/fuzz/run.sh                 200,000 execs, seed 1 (make check)
#   FUZZ_RUNS=5000000 FUZZ_SEED=7 test/fuzz/run.sh
#
# Build products and the corpus libFuzzer grows go to build/fuzz
# (git-ignored).  A finding is saved there as crash-<sha1>; replay it
# with build/fuzz/fuzz_artifact build/fuzz/crash-<sha1>.
set -u
cd "$(dirname "$0")/../.."

RUNS=${FUZZ_RUNS:-200000}
SEED=${FUZZ_SEED:-1}
B=build/fuzz
CC=${FUZZ_CC:-clang}
PGINC=$(pg_config --includedir-server)
PGLIB=$(pg_config --pkglibdir)
# -Wno-ignored-attributes: clang does not know PostgreSQL's gnu_printf.
CFLAGS="-g -O1 -DFRONTEND -I$PGINC -Iinclude -Wall -Wextra -Werror
    -Wno-unused-parameter -Wno-sign-compare -Wno-ignored-attributes"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
LIBS="$PGLIB/libpgcommon.a $PGLIB/libpgport.a -lm"
# every file that defines a family routine (its frontend-safe part)
DECODER="src/artifact.c src/featurespec.c src/algorithm.c $(grep -l "^const MlopsAlgorithmRoutine" src/algo_*.c)"

rm -rf "$B"
mkdir -p "$B/seeds" "$B/corpus"
{
    $CC $CFLAGS $SAN -fsanitize=fuzzer -o "$B/fuzz_artifact" \
        test/fuzz/fuzz_artifact.c $DECODER $LIBS &&
    $CC $CFLAGS $SAN -o "$B/gen_seeds" test/fuzz/gen_seeds.c $DECODER $LIBS &&
    ASAN_OPTIONS=detect_leaks=0 "$B/gen_seeds" "$B/seeds"
} || { echo "fuzz: build failed"; exit 1; }

start=$(date +%s)
"$B/fuzz_artifact" -runs="$RUNS" -seed="$SEED" \
    -artifact_prefix="$B/" -print_final_stats=1 \
    "$B/corpus" "$B/seeds" >"$B/fuzz.log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/fuzz.log" | tail -1)
findings=$(find "$B" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' \
    -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
if [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings=1
fi
seeds=$(ls "$B/seeds" | wc -l)
cov=$(grep -oE 'cov: [0-9]+' "$B/fuzz.log" | tail -1)
echo "fuzz: ${execs:-0} execs, $findings findings ($seeds seed artifacts, $cov, ${secs}s)"
if [ "$findings" -ne 0 ]; then
    grep -E 'ERROR|invariant|SUMMARY|runtime error' "$B/fuzz.log" | head -20
    exit 1
fi
[ "${execs:-0}" -ge "$RUNS" ]
