#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run galaxy-importer, the check Galaxy runs on an uploaded collection (its result is shown on the
# collection's page), on the built artifact, and fail unless its output is clean.
#
#   1. .cache/importer-venv: a virtualenv of its own with tests/build/requirements-importer.txt
#      (exact pins; they need not agree with .venv's), made again when that file or the Python
#      changes.  The Python is $PYTHON, or else what .ci/find-python finds;
#   2. ansible-galaxy collection build (the importer venv's ansible-core) into a temporary directory;
#   3. galaxy-importer on that tarball, configured by its own file (GALAXY_IMPORTER_CONFIG; no
#      GALAXY_IMPORTER_* or ANSIBLE_* variable of the caller counts): ansible-doc, the changelog
#      check and ansible-lint (--offline) as on Galaxy; no ansible-test (the sanity step runs it)
#      and no flake8.  HOME is an empty directory, so that no collection installed for the user
#      (~/.ansible/collections) is found instead of the artifact's.  As root, it runs in a network
#      namespace of its own (no network at all); otherwise with the network as it is;
#   4. the step fails when the importer exits non-zero, does not report its success, skips
#      ansible-lint, or prints a WARNING, ERROR or CRITICAL line or a traceback.
#
# The importer's output is also kept in .cache/importer.log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REQUIREMENTS=$ROOT/tests/build/requirements-importer.txt
IVENV=$ROOT/.cache/importer-venv
LOG=$ROOT/.cache/importer.log

die() { echo "tests/build/importer.sh: FAIL: $*" >&2; exit 1; }

# --- 1. the importer's virtualenv
python=${PYTHON:-}
if [[ -z "$python" ]]; then
    python=$("$ROOT/.ci/find-python") || die "no Python 3.12 or later found (.ci/find-python); set PYTHON=..."
fi
py_id=$("$python" -c 'import os, sys; print(os.path.realpath(sys.executable), sys.version.split()[0])') \
    || die "PYTHON=$python does not run"
want="$(sha256sum < "$REQUIREMENTS" | cut -d' ' -f1) $py_id"
if [[ -x "$IVENV/bin/python" ]] && "$IVENV/bin/python" -c 'import galaxy_importer' 2>/dev/null \
    && [[ "$(cat "$IVENV/.stamp" 2>/dev/null)" == "$want" ]]; then
    echo "importer venv: up to date ($IVENV)"
else
    echo "--- importer venv: $IVENV with $python ($("$python" -V 2>&1)), tests/build/requirements-importer.txt"
    rm -rf "$IVENV"
    "$python" -m venv "$IVENV"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$IVENV/bin/python" -m pip install --quiet --requirement "$REQUIREMENTS"
    "$IVENV/bin/python" -m pip check
    echo "$want" > "$IVENV/.stamp"
fi
"$IVENV/bin/python" -m pip --disable-pip-version-check list 2>/dev/null \
    | grep -E '^(galaxy.importer|ansible-core|ansible-lint|ansible-compat|ansible-builder) ' || true

TMP=$(mktemp -d "${TMPDIR:-/tmp}/virtkit-importer.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Only the importer venv, and nothing the caller set for ansible or the importer.
while IFS= read -r name; do
    unset "$name"
done < <(compgen -e | grep -E '^(ANSIBLE_|GALAXY_IMPORTER_)' || true)
unset VIRTUAL_ENV
export PATH=$IVENV/bin:$PATH
export HOME=$TMP/home
mkdir -p "$HOME"

# --- 2. the artifact
# shellcheck source=tests/build/artifact.sh
. "$ROOT/tests/build/artifact.sh"
build_artifact "$TMP/dist"

# --- 3. galaxy-importer
mkdir -p "$TMP/run" "$TMP/extract" "$TMP/ansible-tmp"
cat > "$TMP/galaxy-importer.cfg" <<EOF
[galaxy-importer]
run_ansible_doc = True
check_changelog = True
run_ansible_lint = True
offline_ansible_lint = True
run_ansible_test = False
ansible_test_local_image = False
local_image_docker = False
run_flake8 = False
require_v1_or_greater = False
check_required_tags = False
log_level_main = INFO
ansible_local_tmp = $TMP/ansible-tmp
tmp_root_dir = $TMP/extract
EOF
export GALAXY_IMPORTER_CONFIG=$TMP/galaxy-importer.cfg
isolate=()
if [[ $(id -u) -eq 0 ]] && unshare --net true 2>/dev/null; then
    isolate=(unshare --net)
    echo "--- galaxy-importer (no network: a network namespace of its own)"
else
    echo "--- galaxy-importer (NOTE: not root, so run with the network as it is; ansible-lint --offline)"
fi
mkdir -p "$(dirname "$LOG")"
set +e
(cd "$TMP/run" && "${isolate[@]}" "$IVENV/bin/python" -m galaxy_importer.main "$tarball") 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

# --- 4. the verdict
problems=$(grep -nE '^(WARNING|ERROR|CRITICAL)\b|Traceback \(most recent call last\)' "$LOG" || true)
why=()
[[ "$rc" -eq 0 ]] || why+=("galaxy-importer exited $rc")
grep -qx 'Importer processing completed successfully' "$LOG" || why+=("galaxy-importer did not report success")
grep -q '^Linting collection via ansible-lint' "$LOG" && grep -qx '\.\.\.ansible-lint run complete' "$LOG" \
    || why+=("ansible-lint did not run")
grep -q '^Running ansible-test' "$LOG" && why+=("ansible-test ran (run_ansible_test = False expected)")
[[ -z "$problems" ]] || why+=("warnings or errors in its output (.cache/importer.log):
$problems")
if [[ ${#why[@]} -ne 0 ]]; then
    if [[ -n ${STEP_WHY:-} ]]; then
        printf '%s\n' "${why[@]}" > "$STEP_WHY"
    fi
    die "$(printf '%s\n' "${why[@]}")"
fi
echo "tests/build/importer.sh: OK (galaxy-importer: no warning, no error)"
