#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Mutation testing (cosmic-ray) of the file-safety and verification paths: `make mutate`.
#
#   tests/mutation/run.sh               every session (nets, alias, rewrite, files, write), resuming unfinished ones
#   tests/mutation/run.sh nets          each safety net of libvirt_uri_alias removed in turn (remove_nets.py)
#   tests/mutation/run.sh alias         load/needs_change/summarize/check_spec/apply of the edit engine,
#                                       plugins/module_utils/_libvirt_update.py, only
#   tests/mutation/run.sh rewrite       edit/verify/edit_text of plugins/module_utils/_libvirt_lens_edit.py only
#   tests/mutation/run.sh files         plugins/module_utils/_libvirt_files.py only
#   tests/mutation/run.sh write         plugins/module_utils/_libvirt_atomic_write.py only
#
# cosmic-ray writes each mutant into the source file, runs the session's tests
# (tests/mutation/configure.py), and puts the file back.  That happens in a copy
# of the checkout (.cache/mutate/tree, collections path .cache/mutate/tree/.cache/collections),
# never in the checkout itself.  Sessions live in .cache/mutate/NAME.sqlite and are
# resumed: a run that was stopped continues where it was (RESTART=1 starts afresh, and
# refreshes the copy).  Needs root (the tests create users and mounts).
#
# Environment:
#   MUTATE_BUDGET   seconds each session may run before it is stopped (default: no limit);
#                   the report then covers the mutants tested so far.
#   RECHECK=1       do not run the session on: run its survivors again with the current tests
#                   (recheck.py), e.g. after adding tests for them
#   MUTATE_WORKDIR  where the copy and the sessions live (default .cache/mutate); two runs with
#                   different work directories (e.g. one per session) can run side by side.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${MUTATE_WORKDIR:-$ROOT/.cache/mutate}
TREE=$WORK/tree
SESSIONS=("$@")
[[ ${#SESSIONS[@]} -gt 0 ]] || SESSIONS=(nets alias rewrite files write)

die() { echo "tests/mutation/run.sh: $*" >&2; exit 1; }
command -v cosmic-ray >/dev/null || die "cosmic-ray not on PATH; run 'make venv' (requirements-test.txt)"
[[ $(id -u) -eq 0 ]] || die "must run as root: the tests create users and mounts"

[[ "${RESTART:-}" != 1 ]] || rm -rf "$WORK"
# A fresh copy of the checkout each run (the sessions stay).
bash "$ROOT/tests/copy-collection.sh" "$TREE"
mkdir -p "$TREE/.cache/collections/ansible_collections/virtkit"
ln -sfn "$TREE" "$TREE/.cache/collections/ansible_collections/virtkit/libvirt_client"
export ANSIBLE_COLLECTIONS_PATH=$TREE/.cache/collections PYTHONDONTWRITEBYTECODE=1
cd "$TREE"

status=0
for name in "${SESSIONS[@]}"; do
    if [[ $name == nets ]]; then
        echo "--- nets: each safety net removed in turn must make a test fail"
        python "$TREE/tests/mutation/remove_nets.py" | tee "$WORK/nets-report.txt" || status=1
        continue
    fi
    config=$WORK/$name.toml
    db=$WORK/$name.sqlite
    python "$TREE/tests/mutation/configure.py" "$name" "$config"
    if [[ ! -f $db ]]; then
        echo "--- $name: init"
        cp "$(sed -n 's/^module-path = "\(.*\)"/\1/p' "$config")" "$WORK/$name.pristine"
        cosmic-ray init "$config" "$db"
        cr-filter-operators "$db" "$config"
        if grep -q '^\[cosmic-ray.filters.line-filter' "$config"; then
            cr-filter-lines --config "$config" "$db"
        fi
    fi
    path=$(sed -n 's/^module-path = "\(.*\)"/\1/p' "$config")
    cmp -s "$path" "$WORK/$name.pristine" || \
        die "$path changed since session $name began; RESTART=1 starts the sessions afresh"
    echo "--- $name: baseline: the tests must pass on the unmutated code"
    bash -c "$(python "$TREE/tests/mutation/configure.py" "$name" --command)" >"$WORK/$name-baseline.log" 2>&1 || \
        die "the tests of session $name fail without any mutant; see $WORK/$name-baseline.log"
    if [[ "${RECHECK:-}" == 1 ]]; then
        echo "--- $name: recheck: the survivors again, with the current tests"
        python "$TREE/tests/mutation/recheck.py" "$name" "$db"
    elif [[ -n "${MUTATE_BUDGET:-}" ]]; then
        echo "--- $name: exec ($(date -u +%H:%M:%S)), at most ${MUTATE_BUDGET}s"
        timeout --signal=INT "$MUTATE_BUDGET" cosmic-ray exec "$config" "$db" || \
            echo "--- $name: stopped (budget of ${MUTATE_BUDGET}s or interrupted); the report covers the mutants tested so far"
    else
        echo "--- $name: exec ($(date -u +%H:%M:%S))"
        cosmic-ray exec "$config" "$db"
    fi
    # The mutated file must be back to its text whatever stopped the run.
    cmp -s "$path" "$WORK/$name.pristine" || { echo "--- $name: restoring $path"; cp "$WORK/$name.pristine" "$path"; }
    python "$TREE/tests/mutation/report.py" "$name" "$db" "$config" || status=1
done
exit $status
