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
#   tests/molecule/run.sh              every scenario (molecule test)
#   tests/molecule/run.sh NAME...      these scenarios only
#
# MOLECULE_JOBS scenarios (default 3) run at once, each on a fleet of its own
# (its own directory, ports and host state): a scenario spends most of its
# time waiting on SSH round trips, so three of them share the machine's cores
# well.  Each scenario's output goes to .cache/molecule-logs/NAME.log and is
# printed whole when the scenario ends (MOLECULE_JOBS=1 prints it as it
# comes).  At the end, the lines of a failed scenario's log that say why
# (.ci/why) are printed, and written to $STEP_WHY when `make test` set it
# (.ci/step).
#
# Uses .venv (make venv) unless VENV points elsewhere.  Each scenario is
# bounded by MOLECULE_SCENARIO_TIMEOUT seconds (default 300); a scenario that
# fails or times out is destroyed, so that no sshd is left running.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=${VENV:-$ROOT/.venv}
TIMEOUT=${MOLECULE_SCENARIO_TIMEOUT:-300}
JOBS=${MOLECULE_JOBS:-3}

die() { echo "tests/molecule/run.sh: $*" >&2; exit 1; }

[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "MOLECULE_JOBS must be a positive number, not '$JOBS'"

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
for s in "${scenarios[@]}"; do
    [[ -f extensions/molecule/$s/molecule.yml ]] || die "no scenario '$s' (extensions/molecule/$s/molecule.yml)"
done

# one scenario, its output in its log (and on stdout when scenarios run one at a time);
# a scenario that fails or times out is destroyed, so that no sshd is left running
scenario() {
    local s=$1 t0=$SECONDS rc=0
    if [[ $JOBS -eq 1 ]]; then
        timeout --kill-after=20 "$TIMEOUT" molecule test -s "$s" 2>&1 | tee "$LOGS/$s.log" || rc=$?
    else
        timeout --kill-after=20 "$TIMEOUT" molecule test -s "$s" >"$LOGS/$s.log" 2>&1 </dev/null || rc=$?
    fi
    if [[ $rc -ne 0 ]]; then
        timeout --kill-after=10 120 molecule destroy -s "$s" >>"$LOGS/$s.log" 2>&1 </dev/null || true
    fi
    echo "$rc $((SECONDS - t0))" >"$LOGS/$s.status"
    return "$rc"
}

# print a finished scenario's log and its outcome; count it
report() {
    local s=$1 rc secs
    read -r rc secs <"$LOGS/$s.status"
    if [[ $JOBS -gt 1 ]]; then
        echo "=== molecule test -s $s (its output)"
        cat "$LOGS/$s.log"
    fi
    if [[ $rc -eq 0 ]]; then
        passed=$((passed + 1))
        echo "=== $s: passed in $secs s"
    else
        failed=$((failed + 1))
        failures+=("$s")
        echo "=== $s: FAILED (exit $rc) after $secs s; its fleet was destroyed"
    fi
}

passed=0
failed=0
failures=()
start=$SECONDS
declare -A running=()   # pid -> scenario
next=0
while [[ $next -lt ${#scenarios[@]} || ${#running[@]} -gt 0 ]]; do
    if [[ $next -lt ${#scenarios[@]} && ${#running[@]} -lt $JOBS ]]; then
        s=${scenarios[next]}
        next=$((next + 1))
        rm -f "$LOGS/$s.status"
        echo "=== molecule test -s $s (started at $((SECONDS - start)) s)"
        scenario "$s" &
        running[$!]=$s
        continue
    fi
    wait -n -p done_pid "${!running[@]}" || true
    s=${running[$done_pid]}
    unset "running[$done_pid]"
    if [[ ! -f $LOGS/$s.status ]]; then
        echo "1 $((SECONDS - start))" >"$LOGS/$s.status"
    fi
    report "$s"
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
