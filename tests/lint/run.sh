#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Lint the collection:
# Both linters always run; the script fails when either reports a problem.
#   1. ansible-lint with the production profile over the repository (configuration: .ansible-lint,
#      offline mode, .venv/.cache and other generated trees excluded);
#   2. antsibull-docs lint-collection-docs --plugin-docs on a copy of the collection (without
#      .venv, .cache, .git and tests/output), which validates the documentation of every plugin
#      and role (schema, markup, references) and the extra docs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COPY=$ROOT/.cache/lint/ansible_collections/virtkit/libvirt_client

die() { echo "tests/lint/run.sh: $*" >&2; exit 1; }
command -v ansible-lint >/dev/null || die "ansible-lint not on PATH; run 'make lint' (or 'make venv' and activate .venv)"
command -v antsibull-docs >/dev/null || die "antsibull-docs not on PATH; run 'make lint'"

export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/.cache/collections}
export ANSIBLE_NOCOLOR=1

failed=()

echo "--- ansible-lint --profile production"
cd "$ROOT"
ansible-lint --version
ansible-lint --profile production --nocolor || failed+=("ansible-lint")

echo "--- antsibull-docs lint-collection-docs --plugin-docs"
bash "$ROOT/tests/copy-collection.sh" "$COPY"
antsibull-docs --version
antsibull-docs lint-collection-docs --plugin-docs "$COPY" || failed+=("antsibull-docs lint-collection-docs")

if [[ ${#failed[@]} -ne 0 ]]; then
    die "FAILED: ${failed[*]}"
fi
echo "tests/lint/run.sh: OK"
