#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make bench`: time the role, the module and the lookup, print one table and
# redraw docs/performance.png.  See docs/performance.md for the method.
#
#   1. a fleet of BENCH_HOSTS SSH hosts (tests/fleet/fleet.sh) in a temporary
#      directory, torn down on exit whatever happens;
#   2. benchmarks/fleet_bench.py: a one-task ping play, one libvirt_uri_alias
#      task, the libvirt_uri role on the system file only and the role on the
#      system file and the files of BENCH_USERS members of a group, every run
#      one in which nothing changes, each with SSH pipelining on and off,
#      same fleet, same forks, BENCH_REPS interleaved repetitions.  The group
#      (vkbench) and its accounts (vkbench01, ...) are created in the shared
#      /etc/passwd at the start and removed at the end;
#   3. benchmarks/module_bench.py: the module run as on a target, on files of
#      10 to 10,000 aliases (add one, change one, no change), with peak memory;
#   4. benchmarks/lookup_bench.py: the lookup resolving 1 to 10,000 terms;
#   5. benchmarks/report.py prints the table (medians, ratios, targets met or
#      missed); benchmarks/plot.py draws docs/performance.png.
#
# Results are kept in .cache/bench (results.json, table.md).
#
# Environment: BENCH_HOSTS (20), BENCH_FORKS (10), BENCH_REPS (5), BENCH_USERS
# (30), BENCH_GROUP (vkbench: the group, and the accounts GROUP01...), BENCH_FLEET_ONLY (1: skip steps 3 and 4, reuse their last results),
# BENCH_TARGET_PYTHON (/usr/bin/python3: the hosts' interpreter, which must
# import augeas), BENCH_PNG (docs/performance.png).
#
# Needs root (the fleet runs sshd in mount namespaces), the project's .venv
# (`make venv`) with matplotlib, and the collection link (`make collection`).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOSTS=${BENCH_HOSTS:-20}
FORKS=${BENCH_FORKS:-10}
REPS=${BENCH_REPS:-5}
NUSERS=${BENCH_USERS:-30}
FLEET_ONLY=${BENCH_FLEET_ONLY:-0}
GROUP=${BENCH_GROUP:-vkbench}
TARGET_PYTHON=${BENCH_TARGET_PYTHON:-/usr/bin/python3}
PNG=${BENCH_PNG:-$ROOT/docs/performance.png}
RESULTS=$ROOT/.cache/bench
PY=$ROOT/.venv/bin/python
[[ -x $PY ]] || PY=$(command -v python3)

die() { echo "benchmarks/run.sh: $*" >&2; exit 1; }

[[ $HOSTS =~ ^[0-9]+$ && $HOSTS -ge 1 && $HOSTS -le 200 ]] || die "BENCH_HOSTS must be 1..200, got '$HOSTS'"
[[ $FORKS =~ ^[0-9]+$ && $FORKS -ge 1 ]] || die "BENCH_FORKS must be a positive number, got '$FORKS'"
[[ $REPS =~ ^[0-9]+$ && $REPS -ge 1 && $REPS -le 50 ]] || die "BENCH_REPS must be 1..50, got '$REPS'"
[[ $GROUP =~ ^[a-z][a-z0-9]{1,15}$ ]] || die "BENCH_GROUP must be a short lower-case name, got '$GROUP'"
[[ $NUSERS =~ ^[0-9]+$ && $NUSERS -ge 1 && $NUSERS -le 99 ]] || die "BENCH_USERS must be 1..99, got '$NUSERS'"
[[ $(id -u) -eq 0 ]] || die "must run as root: the fleet starts sshd in private mount namespaces"
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/.cache/collections}
[[ -e $ANSIBLE_COLLECTIONS_PATH/ansible_collections/virtkit/libvirt_client/galaxy.yml ]] \
    || die "the collection is not under $ANSIBLE_COLLECTIONS_PATH; run 'make collection'"
PATH=$(dirname "$PY"):$PATH
export PATH
command -v ansible-playbook >/dev/null || die "ansible-playbook not found; run 'make venv'"
"$PY" -c 'import matplotlib' 2>/dev/null \
    || die "matplotlib is missing from $PY; install it (pip install matplotlib)"
"$TARGET_PYTHON" -c 'import augeas' 2>/dev/null \
    || die "$TARGET_PYTHON cannot import augeas (python3-augeas): the fleet hosts need it"

USERS=()
for ((i = 1; i <= NUSERS; i++)); do USERS+=("$(printf '%s%02d' "$GROUP" "$i")"); done
# Accounts are only ever removed by the run that created them: refuse to start
# next to existing ones of the same names.
getent group "$GROUP" >/dev/null && die "group $GROUP exists already; remove it (and its vkbenchNN accounts) first"
for u in "${USERS[@]}"; do
    getent passwd "$u" >/dev/null && die "account $u exists already; remove it first"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/libvirt_client-bench.XXXXXX")
FLEET=$WORK/fleet
CREATED=()
GROUP_CREATED=0
cleanup() {
    local rc=$? u
    trap - EXIT INT TERM
    if [[ -e $FLEET/.fleet ]]; then
        timeout 120 bash "$ROOT/tests/fleet/fleet.sh" down "$FLEET" \
            || echo "benchmarks/run.sh: fleet teardown failed; see tests/fleet/fleet.sh status $FLEET" >&2
    fi
    for u in "${CREATED[@]}"; do
        userdel "$u" || echo "benchmarks/run.sh: cannot remove account $u" >&2
    done
    if [[ $GROUP_CREATED -eq 1 ]]; then
        groupdel "$GROUP" || echo "benchmarks/run.sh: cannot remove group $GROUP" >&2
    fi
    [[ -e $FLEET/.fleet ]] || rm -rf -- "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$SECONDS
mkdir -p "$RESULTS" "$WORK/module" "$WORK/lookup"
if [[ $FLEET_ONLY == 1 ]]; then
    for f in module lookup; do
        [[ -s $RESULTS/$f.json ]] || die "BENCH_FLEET_ONLY=1 needs $RESULTS/$f.json from an earlier full run"
    done
    rm -f "$RESULTS"/{fleet,results}.json "$RESULTS/table.md"
else
    rm -f "$RESULTS"/{fleet,module,lookup,results}.json "$RESULTS/table.md"
fi

echo "bench: group $GROUP with $NUSERS accounts (${USERS[0]}..${USERS[-1]})"
groupadd "$GROUP"
GROUP_CREATED=1
for u in "${USERS[@]}"; do
    useradd --no-create-home --home-dir "/home/$u" --shell /bin/sh --user-group --groups "$GROUP" \
        --comment "libvirt_client bench account" "$u"
    CREATED+=("$u")
done

echo "bench: fleet of $HOSTS hosts in $FLEET, a home for each account on every host"
users_csv=$(IFS=,; echo "${USERS[*]}")
timeout 300 bash "$ROOT/tests/fleet/fleet.sh" up --python "$TARGET_PYTHON" --users "$users_csv" \
    "$HOSTS" "$FLEET" >/dev/null

echo "bench: ping, bare module task, role, role with $NUSERS users; pipelining on and off;" \
    "forks $FORKS, $REPS repetitions"
timeout 2400 "$PY" "$ROOT/benchmarks/fleet_bench.py" "$FLEET" "$RESULTS/fleet.json" --group "$GROUP" \
    --forks "$FORKS" --reps "$REPS"
timeout 120 bash "$ROOT/tests/fleet/fleet.sh" down "$FLEET"

if [[ $FLEET_ONLY != 1 ]]; then

echo "bench: module on the target, $REPS repetitions"
(cd "$ROOT" && PYTHONPATH=$ANSIBLE_COLLECTIONS_PATH timeout 600 \
    "$PY" "$ROOT/benchmarks/module_bench.py" "$WORK/module" "$RESULTS/module.json" --reps "$REPS")

echo "bench: lookup, $REPS repetitions"
PYTHONPATH=$ANSIBLE_COLLECTIONS_PATH timeout 600 \
    "$PY" "$ROOT/benchmarks/lookup_bench.py" "$WORK/lookup" "$RESULTS/lookup.json" --reps "$REPS"
fi

echo
"$PY" "$ROOT/benchmarks/report.py" "$RESULTS"
"$PY" "$ROOT/benchmarks/plot.py" "$RESULTS/results.json" "$PNG"
echo
echo "bench: done in $((SECONDS - start))s; plot: $PNG; numbers: $RESULTS/results.json"
