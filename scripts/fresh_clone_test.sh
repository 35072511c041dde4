#!/usr/bin/env bash
# What a newcomer gets: clone this repository's committed HEAD into a temporary folder
# and run the README's test command (`make test`) there, with a fresh .venv.
#
#   bash scripts/fresh_clone_test.sh            # clone, make test, report time and status
#   bash scripts/fresh_clone_test.sh --dry-run  # clone and check `make -n test`, then stop
#   bash scripts/fresh_clone_test.sh --keep     # keep the folder even when the run passes
#
# Only the committed HEAD is tested: uncommitted and untracked changes in your tree are
# not in the clone (the script says so when there are any). pip's own cache is reused,
# so llama-cpp-python's wheel, once built on this machine, is not rebuilt; everything
# else (the .venv, .cache/, the model check) starts from nothing. OPENAI_* and WORKBOOK_*
# variables from your shell are dropped, as a newcomer has none, except WORKBOOK_THREADS
# (how many cores the local model may use, a machine setting).
# On success the folder is removed; on failure it is kept and its path printed, with the
# full log in make-test.log inside it. Takes 10+ minutes on 2 cores.
set -euo pipefail

dry_run=0
keep=0
for arg in "$@"; do
    case "$arg" in
        --dry-run) dry_run=1 ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

root=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
commit=$(git -C "$root" rev-parse HEAD)
if [ -n "$(git -C "$root" status --porcelain)" ]; then
    echo "note: $root has uncommitted or untracked changes; they are NOT tested (HEAD only)."
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-clone.XXXXXX")
clone="$work/repo"
log="$work/make-test.log"
echo "cloning $root at ${commit:0:12} into $clone"
git clone --quiet --no-checkout "$root" "$clone"
git -C "$clone" checkout --quiet --detach "$commit"

# A newcomer's environment: none of the workbook's or OpenAI's variables.
drop=()
for name in $(compgen -e); do
    case "$name" in
        WORKBOOK_THREADS) ;;
        OPENAI_*|WORKBOOK_*) drop+=(-u "$name") ;;
    esac
done

if [ "$dry_run" = 1 ]; then
    # make -n prints the recipe without running it: proves the clone has a working test target.
    (cd "$clone" && env ${drop[@]+"${drop[@]}"} make -n test >/dev/null)
    echo "dry run: the clone is complete and 'make test' resolves; would now run it in $clone"
    rm -rf "$work"
    exit 0
fi

started=$(date +%s)
set +e
(cd "$clone" && env ${drop[@]+"${drop[@]}"} make test) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - started ))
printf 'make test in a fresh clone of %s: exit status %d, wall time %dm%02ds\n' \
    "${commit:0:12}" "$status" $((elapsed / 60)) $((elapsed % 60))

if [ "$status" = 0 ] && [ "$keep" = 0 ]; then
    rm -rf "$work"
else
    echo "kept: $clone (log: $log)"
fi
exit "$status"
