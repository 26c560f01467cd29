#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tests/copy-collection.sh DEST
#
# A fresh copy of the repository at DEST (which must end in
# ansible_collections/virtkit/libvirt_client), as ansible-test needs it: without .venv, .cache,
# .git, tests/output and caches, and `git init`ed, since ansible-test lists the collection's files
# with git.  Used by tests/sanity/run.sh and tests/integration/run-ansible-test.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:?usage: tests/copy-collection.sh DEST}
[[ $DEST == */ansible_collections/virtkit/libvirt_client ]] \
    || { echo "tests/copy-collection.sh: DEST must end in ansible_collections/virtkit/libvirt_client, got '$DEST'" >&2; exit 2; }

rm -rf "$DEST"
mkdir -p "$DEST"
tar -C "$ROOT" -cf - \
    --exclude=./.venv --exclude=./.cache --exclude=./.git --exclude=./.tmp --exclude=./.ansible \
    --exclude=./tests/output --exclude=./demo/work --exclude='./*.tar.gz' \
    --exclude=__pycache__ --exclude=.pytest_cache --exclude=.hypothesis . \
    | tar -C "$DEST" -xf -
git -C "$DEST" init -q
