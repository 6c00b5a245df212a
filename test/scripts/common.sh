# Sourced by the scripts behind make demo, check, soak and bench (POSIX sh),
# from the top of the tree: the environment they share, building and
# installing, and running TAP tests as the postgres user.

export OPENBLAS_NUM_THREADS=1
# clusters are created in UTF-8 whatever the caller's locale (tests use multibyte names)
export LC_ALL=C.UTF-8

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# build_and_install [COPT]: on failure, print the counted line and exit
build_and_install()
{
    make -s COPT="${1:-}" >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
    $SUDO make -s install >/dev/null || { echo "install failed"; echo "0 passed, 1 failed"; exit 1; }
}

# run_tap [PROVE_TESTS]: TAP tests as the postgres user (initdb refuses
# root), the tree handed back to its owner after; sets tap_ok and tap_bad
run_tap()
{
    tap_log=$(mktemp)
    if [ "$(id -u)" -eq 0 ]; then
        tap_owner=$(stat -c %u:%g .)
        chown -R postgres:postgres .
        runuser -u postgres -- make -s prove_installcheck PROVE_TESTS="${1:-}" PROVE_FLAGS=-v 2>&1 | tee "$tap_log"
        chown -R "$tap_owner" .
    else
        make -s prove_installcheck PROVE_TESTS="${1:-}" PROVE_FLAGS=-v 2>&1 | tee "$tap_log"
    fi
    tap_ok=$(grep -cE '^ok [0-9]+' "$tap_log")
    tap_bad=$(grep -cE '^not ok [0-9]+' "$tap_log")
    grep -qE '^Result: PASS' "$tap_log" || { [ "$tap_bad" -eq 0 ] && tap_bad=1; }
    rm -f "$tap_log"
}
