#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run the molecule scenarios of extensions/molecule/ against a fleet of SSH
# hosts built on this machine (tests/fleet/fleet.sh; needs root, sshd,
# unshare and virsh): Debian 12 hosts (this machine's system) and Debian 13
# hosts (the root of tests/fleet/rootfs.sh, built first if needed).
#
#   tests/molecule/run.sh              every scenario (molecule test, one by one)
#   tests/molecule/run.sh NAME...      these scenarios only
#
# Each scenario's output is also written to .cache/molecule-logs/NAME.log; at
# the end, the lines of a failed scenario's log that say why (.ci/why) are
# printed, and written to $STEP_WHY when `make test` set it (.ci/step).
#
# Uses .venv (make venv) unless VENV points elsewhere.  Each scenario is
# bounded by MOLECULE_SCENARIO_TIMEOUT seconds (default 300); a scenario that
# fails or times out is destroyed, so that no sshd is left running.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=${VENV:-$ROOT/.venv}
TIMEOUT=${MOLECULE_SCENARIO_TIMEOUT:-300}

die() { echo "tests/molecule/run.sh: $*" >&2; exit 1; }

[[ -x $VENV/bin/molecule ]] || die "molecule not found in $VENV; run 'make venv' (or set VENV)"
[[ $(id -u) -eq 0 ]] || die "must run as root: the fleet starts sshd in private mount namespaces"
for tool in sshd unshare virsh ssh-keygen; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || die "$tool is required"
done

export PATH=$VENV/bin:$PATH
# The collection under test is this checkout.
link=$ROOT/.cache/collections/ansible_collections/virtkit/libvirt_client
mkdir -p "$(dirname "$link")"
[[ -L $link && $(readlink "$link") == "$ROOT" ]] || ln -sfn "$ROOT" "$link"
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/.cache/collections}
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1
export MOLECULE_NO_LOG=false
unset LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI

cd "$ROOT"
# each scenario's output is also kept here
LOGS=$ROOT/.cache/molecule-logs
mkdir -p "$LOGS"
# The Debian 13, 11 and unstable roots, before any scenario's bounded time starts (only the first run builds them).
for root in debian13 debian11 sid; do bash tests/fleet/rootfs.sh build "$root"; done
scenarios=("$@")
if [[ ${#scenarios[@]} -eq 0 ]]; then
    for f in extensions/molecule/*/molecule.yml; do
        d=${f%/molecule.yml}
        scenarios+=("${d##*/}")
    done
fi
[[ ${#scenarios[@]} -gt 0 ]] || die "no scenario found under extensions/molecule"

molecule --version
passed=0
failed=0
failures=()
start=$SECONDS
for s in "${scenarios[@]}"; do
    [[ -f extensions/molecule/$s/molecule.yml ]] || die "no scenario '$s' (extensions/molecule/$s/molecule.yml)"
    echo "=== molecule test -s $s"
    t0=$SECONDS
    if timeout --kill-after=20 "$TIMEOUT" molecule test -s "$s" 2>&1 | tee "$LOGS/$s.log"; then
        passed=$((passed + 1))
        echo "=== $s: passed in $((SECONDS - t0)) s"
    else
        rc=$?
        failed=$((failed + 1))
        failures+=("$s")
        echo "=== $s: FAILED (exit $rc) after $((SECONDS - t0)) s; destroying its fleet"
        timeout --kill-after=10 120 molecule destroy -s "$s" || true
    fi
done
echo "=== molecule scenarios done in $((SECONDS - start)) s"
echo "molecule: $passed passed, $failed failed"
if [[ $failed -gt 0 ]]; then
    echo "failed scenarios: ${failures[*]}"
    # why, from each failed scenario's log; also for `make test`'s summary (STEP_WHY, see .ci/step)
    per=$((16 / failed)); [[ $per -ge 4 ]] || per=4
    for s in "${failures[@]}"; do
        echo "scenario $s ($LOGS/$s.log):"
        "$ROOT/.ci/why" "$LOGS/$s.log" "$per" || true
    done | tee ${STEP_WHY:+"$STEP_WHY"}
fi
[[ $failed -eq 0 ]]
