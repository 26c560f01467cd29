#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ansible-test sanity (every test, no ignore file), ansible-test units and, when
# tests/integration/targets/ holds targets, ansible-test integration for the collection.
#
# ansible-test needs the collection at .../ansible_collections/<namespace>/<name> inside a git
# work tree, so the repository is copied by tests/copy-collection.sh (without .venv, .cache, .git, tests/output and caches)
# to $ANSIBLE_TEST_WORKDIR/ansible_collections/virtkit/libvirt_client and `git init`ed there.
#
# All commands run with --local, i.e. with the ansible-test, pytest and python of the current
# environment (the project's .venv, or a .cache/matrix/<version> venv from `make test-matrix`).
# `ansible-test units` is not given --requirements, so it installs nothing: pytest, pytest-xdist,
# pytest-mock and mock come from requirements-test.txt.
#
# `ansible-test sanity` always builds one small virtual environment per test (pylint, yamllint,
# validate-modules, ...) under ~/.ansible/test/venv and pip-installs that test's pinned
# requirements from the package index.  Those environments are created without pip and
# bootstrapped with a get-pip script that ansible-test downloads from a host outside the package
# index (unreachable here).  This script therefore runs ansible-test with HOME pointing at
# .cache/ansible-test-home and puts tests/sanity/pip_bootstrap.py at the cache path of that
# script: pip is installed from a wheel kept in .cache/wheels instead.  The environments are
# reused by later runs (and by later runs of `make test` on the same checkout).
#
# Skipped tests: none.  Every sanity test of ansible-test runs.  Two of them only have work to do
# when matching files exist: `pslint` checks PowerShell files (the collection has none; it would
# need `pwsh`, which Debian does not ship) and `shellcheck` checks shell scripts (needs the
# `shellcheck` binary, installed by `make deps`; ansible-test skips the test with a warning, and
# this script fails, when it is missing).
#
# Environment:
#   ANSIBLE_TEST_PYTHON   Python version handed to --python (default: that of python3 on PATH,
#                         i.e. 3.13 in the project's .venv, see .ci/find-python)
#   ANSIBLE_TEST_WORKDIR  where the copy is made (default .cache/ansible-test)
#   SANITY_ONLY=1         run sanity only (skip units and integration)
#   UNITS_ONLY=1          run units only (skip sanity and integration)
#   INTEGRATION_ONLY=1    run integration only (skip sanity and units)
#   NO_INTEGRATION=1      skip integration (make test runs the targets in a step of their own)
#   UNIT_TESTS="PATHS"     what ansible-test units runs (default tests/unit: the tests that need no
#                         root and no libvirt, see tests/unprivileged.sh)
#
# ansible-test integration runs every target under tests/integration/targets/ (a directory with
# an `aliases` file) on this machine, the modules on localhost with the current python (which
# must have python-augeas: requirements-test.txt).  Without targets it says so and is skipped.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PYVER=${ANSIBLE_TEST_PYTHON:-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
WORKDIR=${ANSIBLE_TEST_WORKDIR:-$ROOT/.cache/ansible-test}
DEST=$WORKDIR/ansible_collections/virtkit/libvirt_client
TEST_HOME=$ROOT/.cache/ansible-test-home
WHEELHOUSE=$ROOT/.cache/wheels

die() { echo "tests/sanity/run.sh: $*" >&2; exit 1; }

command -v ansible-test >/dev/null || die "ansible-test not on PATH; run 'make sanity' (or 'make venv' and activate .venv)"
command -v "python$PYVER" >/dev/null || die "python$PYVER not on PATH"
command -v git >/dev/null || die "git is required (make deps)"
command -v shellcheck >/dev/null || die "shellcheck is required for the shellcheck sanity test (make deps)"

PY=$(command -v "python$PYVER")
echo "ansible-test: $(command -v ansible-test) ($("$PY" -c 'import ansible; print(ansible.__version__)'))"

# --- fresh copy of the collection -------------------------------------------------------------
bash "$ROOT/tests/copy-collection.sh" --git "$DEST"
cd "$DEST"

# --- pip bootstrap for the per-test sanity environments ---------------------------------------
pip_version=$("$PY" - "$PYVER" <<'EOF'
import sys
import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version=sys.argv[1]))['pip'])
EOF
)
mkdir -p "$TEST_HOME/.ansible/test/cache" "$WHEELHOUSE"
cp "$ROOT/tests/sanity/pip_bootstrap.py" "$TEST_HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
"$PY" -c 'import json, sys; json.dump({"wheelhouse": sys.argv[1], "python": sys.argv[2]}, open(sys.argv[3], "w"))' \
    "$WHEELHOUSE" "$PY" "$TEST_HOME/.ansible/test/cache/virtkit_pip_bootstrap.json"
# ansible-test passes only PATH and HOME on to pip; keep the user's own pip configuration.
real_home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
for conf in .config/pip .pip; do
    if [[ -e "$real_home/$conf" && ! -e "$TEST_HOME/$conf" ]]; then
        mkdir -p "$(dirname "$TEST_HOME/$conf")"
        ln -s "$real_home/$conf" "$TEST_HOME/$conf"
    fi
done

run_ansible_test() {
    HOME="$TEST_HOME" ansible-test "$@"
}

if [[ -n "$(ls tests/sanity/ignore-*.txt 2>/dev/null)" ]]; then
    die "ignore files are not allowed: $(ls tests/sanity/ignore-*.txt)"
fi

if [[ "${UNITS_ONLY:-}" != 1 && "${INTEGRATION_ONLY:-}" != 1 ]]; then
    echo "--- ansible-test sanity --local --python $PYVER (all tests)"
    run_ansible_test sanity --local --python "$PYVER" --color no
fi

if [[ "${SANITY_ONLY:-}" != 1 && "${INTEGRATION_ONLY:-}" != 1 ]]; then
    echo "--- ansible-test units --local --python $PYVER ${UNIT_TESTS:-tests/unit/}"
    if [[ -z "$(find tests/unit -name 'test_*.py' 2>/dev/null)" ]]; then
        die "no unit tests under tests/unit"
    fi
    # shellcheck disable=SC2086  # UNIT_TESTS is a list of paths
    run_ansible_test units --local --python "$PYVER" --color no --num-workers 2 ${UNIT_TESTS:-tests/unit/}
fi

if [[ "${SANITY_ONLY:-}" != 1 && "${UNITS_ONLY:-}" != 1 && "${NO_INTEGRATION:-}" != 1 ]]; then
    targets=()
    for dir in tests/integration/targets/*/; do
        [[ -f "$dir/aliases" ]] && targets+=("$(basename "$dir")")
    done
    if [[ ${#targets[@]} -eq 0 ]]; then
        echo "--- ansible-test integration: no targets under tests/integration/targets/ (skipped)"
    else
        echo "--- ansible-test integration --local --python $PYVER (${targets[*]})"
        run_ansible_test integration --local --python "$PYVER" --color no --allow-root --allow-destructive
    fi
fi
echo "tests/sanity/run.sh: OK"
