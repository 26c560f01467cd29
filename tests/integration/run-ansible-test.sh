#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ansible-test integration --local: the targets under tests/integration/targets/ (one per module,
# the ecosystem's convention), run against this machine with real files and real virsh.
#
#   tests/integration/run-ansible-test.sh             every target
#   tests/integration/run-ansible-test.sh TARGET...   these targets only
#
# ansible-test needs the collection at .../ansible_collections/<namespace>/<name>, so the
# repository is copied (tests/copy-collection.sh, as for tests/sanity/run.sh) to
# $ANSIBLE_TEST_WORKDIR/ansible_collections/virtkit/libvirt_client.  --local runs the targets with
# the current environment's Python (the project's .venv, which has python-augeas); nothing is
# installed.  The targets need root (virsh is run as nobody) and virsh (make deps).
#
# Environment:
#   ANSIBLE_TEST_PYTHON   Python version handed to --python (default: that of python3 on PATH)
#   ANSIBLE_TEST_WORKDIR  where the copy is made (default .cache/ansible-test-integration)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PYVER=${ANSIBLE_TEST_PYTHON:-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
WORKDIR=${ANSIBLE_TEST_WORKDIR:-$ROOT/.cache/ansible-test-integration}
DEST=$WORKDIR/ansible_collections/virtkit/libvirt_client

die() { echo "tests/integration/run-ansible-test.sh: $*" >&2; exit 1; }

command -v ansible-test >/dev/null || die "ansible-test not on PATH; run 'make venv' and activate .venv"
command -v "python$PYVER" >/dev/null || die "python$PYVER not on PATH"
command -v virsh >/dev/null || die "virsh is required (make deps)"
command -v git >/dev/null || die "git is required (make deps)"
[[ $(id -u) -eq 0 ]] || die "must run as root: the targets run virsh as nobody (make test runs as root)"
"python$PYVER" -c 'import augeas' 2>/dev/null || die "python$PYVER cannot import augeas (make venv)"

bash "$ROOT/tests/copy-collection.sh" --git "$DEST"
cd "$DEST"

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(find tests/integration/targets -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
fi
[[ ${#targets[@]} -gt 0 ]] || die "no targets under tests/integration/targets"

echo "--- ansible-test integration --local --python $PYVER ${targets[*]}"
ansible-test integration --local --python "$PYVER" --color no --allow-root --allow-destructive "${targets[@]}"
echo "tests/integration/run-ansible-test.sh: OK (${targets[*]})"
