#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# libvirt_uri_info's check_connections against a plain loop, on a fleet of
# Debian 12 hosts with real libvirt daemons (tests/fleet/fleet.sh --libvirtd):
#
#   live   host01 holds one alias per host (N, default 20), all connecting; the
#          check (one task) against N ansible.builtin.command tasks (a loop) of
#          `virsh -c ALIAS hostname`, the same names, as root
#   dead   the same N aliases pointing at a port that accepts and never answers,
#          the check with connection_timeout T (default 5) against T
#
# Prints one line per run and the medians (REPS runs, default 3), seconds of
# ansible-playbook wall time.  Needs root; the fleet is torn down at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${BENCH_CONNECT_HOSTS:-20}
REPS=${BENCH_REPS:-3}
T=${BENCH_CONNECT_TIMEOUT:-5}
DIR=$(mktemp -d /tmp/connect-bench.XXXXXX)
PY=$ROOT/.venv/bin/python
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/.cache/collections}
export ANSIBLE_PIPELINING=1 ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0

listener=
cleanup() {
    [[ -n $listener ]] && kill "$listener" 2>/dev/null
    "$ROOT/tests/fleet/fleet.sh" down "$DIR" >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

"$ROOT/tests/fleet/fleet.sh" up --libvirtd --mesh-port auto "$N" "$DIR" >/dev/null
port=$(<"$DIR/mesh_port")
# a port that accepts connections and never answers
silent=$("$PY" - <<'EOF'
import socket
s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()
EOF
)
"$PY" -c "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $silent)); s.listen(512); time.sleep(3600)" &
listener=$!

key=$DIR/id_ed25519
live='' dead='' names=''
for ((i = 1; i <= N; i++)); do
    h=$(printf 'host%02d' "$i")
    addr=$(<"$DIR/hosts/$h/address")
    live+="  \"$h=qemu+ssh://root@$addr:$port/system?keyfile=$key\","$'\n'
    dead+="  \"$h=qemu+ssh://root@127.0.0.1:$silent/system?keyfile=$key\","$'\n'
    names+="$h "
    printf '[%s]:%s %s\n' "$addr" "$port" "$(cut -d' ' -f1,2 "$DIR/hosts/$h/ssh_host_ed25519_key.pub")"
done >"$DIR/mesh_known_hosts"
# host01's /etc/ssh is its own (fleet.sh --libvirtd)
"$ROOT/tests/fleet/fleet.sh" ssh "$DIR" host01 'cat >/etc/ssh/ssh_known_hosts' <"$DIR/mesh_known_hosts"

cat >"$DIR/check.yml" <<EOF
- hosts: host01
  gather_facts: false
  tasks:
    - name: Check every alias
      virtkit.libvirt_client.libvirt_uri_info:
        check_connections: true
        connection_timeout: $T
      register: r
    - name: Count
      ansible.builtin.assert:
        that: r.connection_failures | length == (0 if lookup('env', 'EXPECT') == 'live' else $N)
EOF
cat >"$DIR/loop.yml" <<EOF
- hosts: host01
  gather_facts: false
  tasks:
    - name: Plain virsh, one task per name
      ansible.builtin.command: virsh -c {{ item }} hostname
      changed_when: false
      loop: [$(echo "$names" | sed 's/ $//; s/ /, /g')]
EOF

run() {  # run LABEL PLAYBOOK: one timed ansible-playbook run
    local t0 t1
    t0=$(date +%s.%N)
    EXPECT=$1 "$ROOT/.venv/bin/ansible-playbook" -i "$DIR/inventory.yml" "$2" >"$DIR/last.log" 2>&1 \
        || { cat "$DIR/last.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

conf() { printf 'uri_aliases = [\n%s]\n' "$1" >"$DIR/hosts/host01/etc-libvirt/libvirt.conf"; }

conf "$live"
check_live=() loop_live=() check_dead=()
for ((r = 0; r < REPS; r++)); do
    check_live+=("$(run live "$DIR/check.yml")")
    loop_live+=("$(run live "$DIR/loop.yml")")
done
conf "$dead"
for ((r = 0; r < REPS; r++)); do
    check_dead+=("$(run dead "$DIR/check.yml")")
done
cl=$(printf '%s\n' "${check_live[@]}" | median)
ll=$(printf '%s\n' "${loop_live[@]}" | median)
cd_=$(printf '%s\n' "${check_dead[@]}" | median)
echo "hosts=$N reps=$REPS timeout=$T"
echo "live, check_connections (1 task): ${check_live[*]} -> median $cl s"
echo "live, $N command tasks of virsh -c NAME hostname: ${loop_live[*]} -> median $ll s"
awk -v a="$cl" -v b="$ll" 'BEGIN { printf "ratio check/loop: %.2f\n", a / b }'
echo "dead, check_connections with connection_timeout=$T: ${check_dead[*]} -> median $cd_ s"
