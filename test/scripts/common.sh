# Sourced by the scripts behind make demo, check, soak and bench (POSIX sh),
# from the top of the tree: the environment they share, building and
# installing, and running TAP tests as the postgres user (from a copy of
# the tree: the tree may be where postgres cannot read it, such as /root).

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

# copy_tree DIR: the tree's files (tracked and untracked but not ignored,
# as they are in the work tree, in a git clone) into the directory DIR
copy_tree()
{
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # a tracked file deleted in the work tree is left out, not an error
        git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null |
            tar -C "$1" -xf -
    else
        tar --exclude=./.git --exclude=./tmp_check --exclude=./build -cf - . |
            tar -C "$1" -xf -
    fi
}

# run_tap [PROVE_TESTS]: TAP tests, from a copy of the tree in a fresh
# directory under /tmp, as the postgres user when run as root (initdb
# refuses root), which owns that copy.  The tree itself is only read, by
# the caller: it can be anywhere, /root (0700) or a mktemp -d included.
# The logs are copied back to tmp_check.  Sets tap_ok and tap_bad.
run_tap()
{
    tap_log=$(mktemp)
    tap_dir=$(mktemp -d /tmp/mlops-tap.XXXXXX)
    copy_tree "$tap_dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres:postgres "$tap_dir"
        # runuser keeps the environment (PATH, PG_CONFIG) and the working
        # directory, which postgres may not be able to enter: start in the copy
        runuser -u postgres -- env -C "$tap_dir" \
            make -s prove_installcheck PROVE_TESTS="${1:-}" PROVE_FLAGS="-v --timer" 2>&1 | tee "$tap_log"
    else
        make -s -C "$tap_dir" prove_installcheck PROVE_TESTS="${1:-}" PROVE_FLAGS="-v --timer" 2>&1 | tee "$tap_log"
    fi
    rm -rf tmp_check
    [ -d "$tap_dir/tmp_check" ] && cp -R "$tap_dir/tmp_check" tmp_check
    rm -rf "$tap_dir"
    tap_ok=$(grep -cE '^ok [0-9]+' "$tap_log")
    tap_bad=$(grep -cE '^not ok [0-9]+' "$tap_log")
    grep -qE '^Result: PASS' "$tap_log" || { [ "$tap_bad" -eq 0 ] && tap_bad=1; }
    rm -f "$tap_log"
}
