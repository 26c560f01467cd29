#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tests/copy-collection.sh [--git] DEST
#
# A fresh copy of the repository at DEST, without .venv, .cache, .git, tests/output and caches.
# With --git the copy is also `git init`ed: ansible-test lists the collection's files with git
# (and needs DEST to end in ansible_collections/virtkit/libvirt_client).  Used by
# tests/sanity/run.sh and tests/integration/run-ansible-test.sh (--git), tests/lint/run.sh and
# tests/mutation/run.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
git_init=0
if [[ ${1:-} == --git ]]; then git_init=1; shift; fi
DEST=${1:?usage: tests/copy-collection.sh [--git] DEST}

rm -rf "$DEST"
mkdir -p "$DEST"
tar -C "$ROOT" -cf - \
    --exclude=./.venv --exclude=./.cache --exclude=./.git --exclude=./.tmp --exclude=./.ansible \
    --exclude=./tests/output --exclude=./demo/work --exclude='./*.tar.gz' \
    --exclude=__pycache__ --exclude=.pytest_cache --exclude=.hypothesis . \
    | tar -C "$DEST" -xf -
if [[ $git_init == 1 ]]; then
    git -C "$DEST" init -q
fi
