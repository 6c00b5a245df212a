#!/bin/bash
# Unit tests of the frontend-safe modules: build src/evalmetrics.c and its
# harness with -DFRONTEND against libpgcommon and libpgport (as
# test/fuzz/run.sh builds the artifact decoder), run it, and pass on its
# closing line
#   unit: N passed, N failed
# Exit status 0 only when it built and nothing failed.
#
#   test/unit/run.sh
#   UNIT_CC=clang test/unit/run.sh
#
# Build products go to build/unit (git-ignored).  The reference values in
# test/unit/evalmetrics_cases.h come from evalmetrics_reference.py.
set -u
cd "$(dirname "$0")/../.."

B=build/unit
CC=${UNIT_CC:-cc}
PGINC=$(pg_config --includedir-server)
PGLIB=$(pg_config --pkglibdir)
CFLAGS="-g -O2 -DFRONTEND -I$PGINC -Iinclude -Itest/unit -Wall -Wextra -Werror
    -Wno-unused-parameter -Wno-sign-compare -Wno-ignored-attributes"
LIBS="$PGLIB/libpgcommon.a $PGLIB/libpgport.a -lm"

mkdir -p "$B"
$CC $CFLAGS -o "$B/test_evalmetrics" test/unit/test_evalmetrics.c \
    src/evalmetrics.c $LIBS || { echo "unit: 0 passed, 1 failed (build)"; exit 1; }
"$B/test_evalmetrics"
