#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A fleet of SSH "hosts" on this machine, for testing against real sshd.
#
# Every host is one sshd listening on 127.0.1.<n>:<port> (an address of its
# own on the loopback interface, so that hosts can be told apart by address
# too; --address 127.0.0.1 puts them all there), started inside its own
# private mount namespace (unshare -m --propagation private) in which
# /etc/libvirt and /home are bind mounts of per-host directories.  Whatever a
# play does to /etc/libvirt/libvirt.conf or to a user's ~/.config on one host
# is invisible to the others and to the machine itself.  root logs in with a
# key generated for the fleet; the host keys are recorded in a known_hosts
# file, so clients can keep strict host key checking.
#
#   fleet.sh up [options] N DIR    start N hosts (host01..hostNN) under DIR
#   fleet.sh down DIR              stop every host of DIR and delete its state
#   fleet.sh status DIR            print NAME PORT PID state, one host a line
#   fleet.sh ssh DIR NAME [CMD..]  run a command on one host as root
#
# Options of `up`:
#   --names a,b,c    host names (then N may be given as 0 or as the count)
#   --users u1,u2    make sure these accounts exist (created once, without a
#                    home; /etc/passwd is shared) and give each a home
#                    directory /home/<user> on every host
#   --python PATH    ansible_python_interpreter written to the inventory
#   --etc MODE       seed each host's /etc/libvirt: "copy" (default) copies
#                    this machine's /etc/libvirt, "empty" starts empty
#   --address A      listen address of every host (default: one per host,
#                    127.0.1.1, 127.0.1.2, ... then 127.0.2.1 ...)
#   --port-base P    first port to try (default: 20000 + a value derived
#                    from DIR, so that fleets in different DIRs rarely race)
#
# `up` writes DIR/inventory.yml (every host in group "fleet", connection
# variables set) and DIR/hosts.json (name, address, port, user, key, root)
# and may be run again on the same DIR: hosts already running are kept.
set -euo pipefail

PROG=${0##*/}
SSHD=${FLEET_SSHD:-/usr/sbin/sshd}
WAIT_STEPS=${FLEET_WAIT_STEPS:-100}   # x 0.05 s per wait

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { sed -n '/^#   fleet.sh up/,/^#   --port-base/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

valid_name() { [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; }

# pid of the host's listening sshd, if it is alive and really ours
host_pid() {
    local hdir=$1 pid
    [[ -s $hdir/sshd.pid ]] || return 1
    pid=$(<"$hdir/sshd.pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$hdir/sshd_config" || return 1
    printf '%s\n' "$pid"
}

# whether anything listens on TCP port $1 (any address), from /proc/net
port_in_use() {
    local hex f _sl local_addr _rem st _rest
    printf -v hex '%04X' "$1"
    for f in /proc/net/tcp /proc/net/tcp6; do
        [[ -r $f ]] || continue
        while read -r _sl local_addr _rem st _rest; do
            [[ $st == 0A && ${local_addr##*:} == "$hex" ]] && return 0
        done <"$f"
    done
    return 1
}

ensure_user() {
    local user=$1
    getent passwd "$user" >/dev/null && return 0
    useradd --no-create-home --home-dir "/home/$user" --shell /bin/sh \
        --comment "libvirt_client test user" --user-group "$user" 2>/dev/null \
        || getent passwd "$user" >/dev/null \
        || die "cannot create user $user"
}

wait_for() {  # wait_for CMD...: bounded poll
    local i
    for ((i = 0; i < WAIT_STEPS; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

listening() { port_in_use "$1"; }

# the first 127.0.<a>.<b> (a >= 1, 1 <= b <= 250) no host of DIR has
next_address() {
    local dir=$1 f a b
    local -A used=()
    for f in "$dir"/hosts/*/address; do
        [[ -s $f ]] && used[$(<"$f")]=1
    done
    for ((a = 1; a < 255; a++)); do
        for ((b = 1; b <= 250; b++)); do
            [[ -z ${used[127.0.$a.$b]:-} ]] && { printf '127.0.%s.%s\n' "$a" "$b"; return 0; }
        done
    done
    die "no loopback address left"
}

start_host() {
    local dir=$1 name=$2 port=$3 hdir addr
    hdir=$dir/hosts/$name
    addr=$(<"$hdir/address")
    cat >"$hdir/sshd_config" <<CFG
# sshd of fleet host $name
Port $port
ListenAddress $addr
HostKey $hdir/ssh_host_ed25519_key
PidFile $hdir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
AllowUsers root
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
UseDNS no
MaxStartups 200:30:400
MaxSessions 100
LogLevel ERROR
Subsystem sftp internal-sftp
CFG
    printf '%s\n' "$port" >"$hdir/port"
    rm -f "$hdir/sshd.pid"
    # sshd daemonizes; the mount namespace lives as long as it (and the
    # sessions it forks) do.  The inner script gets its paths as arguments.
    # shellcheck disable=SC2016
    unshare -m --propagation private -- /bin/sh -c '
        set -e
        mount --bind "$1" /etc/libvirt
        mount --bind "$2" /home
        exec "$3" -f "$4" -E "$5"
    ' fleet-host "$hdir/etc-libvirt" "$hdir/home" "$SSHD" "$hdir/sshd_config" "$hdir/sshd.log"
    wait_for host_pid "$hdir" >/dev/null && wait_for listening "$port"
}

cmd_up() {
    local names="" users="" python="" etc_mode=copy port_base="" address="" n dir
    while [[ $# -gt 0 ]]; do
        case $1 in
            --names) names=$2; shift 2 ;;
            --users) users=$2; shift 2 ;;
            --python) python=$2; shift 2 ;;
            --etc) etc_mode=$2; shift 2 ;;
            --port-base) port_base=$2; shift 2 ;;
            --address) address=$2; shift 2 ;;
            --) shift; break ;;
            -*) die "unknown option $1" ;;
            *) break ;;
        esac
    done
    [[ $# -eq 2 ]] || usage
    n=$1; dir=$2
    [[ $n =~ ^[0-9]+$ ]] || die "N must be a number, got '$n'"
    [[ $etc_mode == copy || $etc_mode == empty ]] || die "--etc must be copy or empty, got '$etc_mode'"
    [[ -z $address || $address =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "--address must be a 127.0.0.0/8 address, got '$address'"
    [[ $(id -u) -eq 0 ]] || die "must run as root (sshd, unshare and mount need it)"
    [[ -x $SSHD ]] || die "$SSHD not found"

    local -a hostnames=() userlist=()
    if [[ -n $names ]]; then
        IFS=, read -r -a hostnames <<<"$names"
        [[ $n -eq 0 || $n -eq ${#hostnames[@]} ]] || die "N=$n but --names lists ${#hostnames[@]} hosts"
    else
        local i
        for ((i = 1; i <= n; i++)); do hostnames+=("$(printf 'host%02d' "$i")"); done
    fi
    [[ ${#hostnames[@]} -gt 0 ]] || die "no hosts requested"
    local h u
    for h in "${hostnames[@]}"; do valid_name "$h" || die "invalid host name '$h'"; done
    if [[ -n $users ]]; then IFS=, read -r -a userlist <<<"$users"; fi
    for u in "${userlist[@]}"; do [[ $u =~ ^[a-z_][a-z0-9_-]*$ ]] || die "invalid user name '$u'"; done

    mkdir -p "$dir/hosts"
    dir=$(cd "$dir" && pwd -P)
    : >"$dir/.fleet"
    # what the hosts share: the root key, the privilege separation directory
    [[ -d /etc/libvirt ]] || mkdir -p /etc/libvirt
    [[ -d /run/sshd ]] || install -d -m 0755 /run/sshd
    if [[ ! -s $dir/id_ed25519 ]]; then
        rm -f "$dir/id_ed25519" "$dir/id_ed25519.pub"
        ssh-keygen -q -t ed25519 -N '' -C "fleet@$(basename "$dir")" -f "$dir/id_ed25519"
    fi
    cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
    for u in "${userlist[@]}"; do ensure_user "$u"; done

    if [[ -z $port_base ]]; then
        port_base=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 10000))
    fi
    local port=$port_base hdir tries
    for h in "${hostnames[@]}"; do
        hdir=$dir/hosts/$h
        mkdir -p "$hdir/etc-libvirt" "$hdir/home"
        if host_pid "$hdir" >/dev/null; then
            continue
        fi
        if [[ ! -e $hdir/.seeded ]]; then
            if [[ $etc_mode == copy ]]; then
                cp -a /etc/libvirt/. "$hdir/etc-libvirt/"
            fi
            : >"$hdir/.seeded"
        fi
        chmod 0755 "$hdir/etc-libvirt" "$hdir/home"
        for u in "${userlist[@]}"; do
            if [[ ! -d $hdir/home/$u ]]; then
                install -d -m 0750 -o "$u" -g "$(id -gn "$u")" "$hdir/home/$u"
            fi
        done
        if [[ ! -s $hdir/address ]]; then
            if [[ -n $address ]]; then
                printf '%s\n' "$address" >"$hdir/address"
            else
                next_address "$dir" >"$hdir/address"
            fi
        fi
        [[ -s $hdir/ssh_host_ed25519_key ]] \
            || ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$hdir/ssh_host_ed25519_key"
        tries=0
        while :; do
            ((tries++ < 50)) || die "no free port found for $h (last tried $port)"
            if port_in_use "$port"; then port=$((port + 1)); continue; fi
            if start_host "$dir" "$h" "$port"; then port=$((port + 1)); break; fi
            # lost a race for the port, or sshd refused to start
            local pid
            if pid=$(host_pid "$hdir"); then kill "$pid" 2>/dev/null || true; fi
            if grep -q 'Address already in use' "$hdir/sshd.log" 2>/dev/null; then
                : >"$hdir/sshd.log"; port=$((port + 1)); continue
            fi
            die "sshd for $h did not start: $(tail -n 5 "$hdir/sshd.log" 2>/dev/null)"
        done
    done
    write_inventory "$dir" "$python"
    printf '%s\n' "$dir/inventory.yml"
}

write_inventory() {
    local dir=$1 python=$2 h hdir port addr key_line
    : >"$dir/known_hosts.tmp"
    local -a entries=()
    for hdir in "$dir"/hosts/*/; do
        hdir=${hdir%/}
        h=${hdir##*/}
        host_pid "$hdir" >/dev/null || continue
        port=$(<"$hdir/port")
        addr=$(<"$hdir/address")
        key_line=$(cut -d' ' -f1,2 "$hdir/ssh_host_ed25519_key.pub")
        printf '[%s]:%s %s\n' "$addr" "$port" "$key_line" >>"$dir/known_hosts.tmp"
        entries+=("$h $port $addr $hdir")
    done
    mv "$dir/known_hosts.tmp" "$dir/known_hosts"
    {
        printf '# generated by %s; do not edit\n' "$PROG"
        printf 'fleet:\n  vars:\n'
        printf '    ansible_user: root\n'
        printf '    ansible_ssh_private_key_file: %s\n' "$dir/id_ed25519"
        printf '    ansible_ssh_common_args: >-\n      -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes\n' "$dir/known_hosts"
        [[ -n $python ]] && printf '    ansible_python_interpreter: %s\n' "$python"
        printf '  hosts:\n'
        local e
        for e in "${entries[@]}"; do
            read -r h port addr hdir <<<"$e"
            printf '    %s:\n      ansible_host: %s\n      ansible_port: %s\n      fleet_host_root: %s\n' "$h" "$addr" "$port" "$hdir"
        done
    } >"$dir/inventory.yml"
    {
        printf '['
        local sep=""
        for e in "${entries[@]}"; do
            read -r h port addr hdir <<<"$e"
            printf '%s\n  {"name": "%s", "address": "%s", "port": %s, "user": "root", "identity_file": "%s", "root": "%s"}' \
                "$sep" "$h" "$addr" "$port" "$dir/id_ed25519" "$hdir"
            sep=,
        done
        printf '\n]\n'
    } >"$dir/hosts.json"
}

# stop one host: the listener, then every process left in its mount
# namespace (sessions still open, their children), with bounded waits
stop_host() {
    local hdir=$1 pid fd p i sig alive
    local -a left
    pid=$(host_pid "$hdir") || return 0
    # hold the namespace open to compare it with every process's, without
    # forking a command per process ([[ -ef ]] compares the nsfs inodes)
    exec {fd}<"/proc/$pid/ns/mnt" || return 0
    if [[ /proc/self/fd/$fd -ef /proc/$$/ns/mnt ]]; then
        exec {fd}<&-
        die "refusing to stop $hdir: its sshd runs in this shell's own mount namespace"
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for sig in TERM TERM KILL KILL; do
        for ((i = 0; i < 20; i++)); do
            left=()
            for p in /proc/[0-9]*; do
                [[ $p/ns/mnt -ef /proc/self/fd/$fd ]] && left+=("${p#/proc/}")
            done
            [[ ${#left[@]} -eq 0 ]] && break 2
            [[ $i -eq 0 ]] && kill "-$sig" "${left[@]}" 2>/dev/null
            sleep 0.05
        done
    done
    exec {fd}<&-
    alive=0
    for p in "${left[@]}"; do [[ -e /proc/$p ]] && alive=1; done
    return "$alive"
}

cmd_down() {
    local keep=0
    [[ ${1:-} == --keep ]] && { keep=1; shift; }
    [[ $# -eq 1 ]] || usage
    local dir=$1 hdir
    [[ -d $dir ]] || return 0
    [[ -e $dir/.fleet ]] || die "$dir is not a fleet directory (no .fleet marker)"
    dir=$(cd "$dir" && pwd -P)
    for hdir in "$dir"/hosts/*/; do
        [[ -d $hdir ]] || continue
        stop_host "${hdir%/}"
    done
    local stuck=0
    for hdir in "$dir"/hosts/*/; do
        [[ -d $hdir ]] || continue
        if host_pid "${hdir%/}" >/dev/null; then
            printf '%s: %s still running\n' "$PROG" "${hdir%/}" >&2
            stuck=1
        fi
    done
    [[ $stuck -eq 0 ]] || exit 1
    if [[ $keep -eq 0 ]]; then
        rm -rf -- "$dir/hosts" "$dir/inventory.yml" "$dir/hosts.json" "$dir/known_hosts" \
            "$dir/authorized_keys" "$dir/id_ed25519" "$dir/id_ed25519.pub" "$dir/.fleet"
        rmdir -- "$dir" 2>/dev/null || true
    fi
}

cmd_status() {
    [[ $# -eq 1 ]] || usage
    local dir=$1 hdir pid
    [[ -d $dir/hosts ]] || return 0
    for hdir in "$dir"/hosts/*/; do
        hdir=${hdir%/}
        if pid=$(host_pid "$hdir"); then
            printf '%s %s:%s %s up\n' "${hdir##*/}" "$(cat "$hdir/address")" "$(cat "$hdir/port")" "$pid"
        else
            printf '%s %s - down\n' "${hdir##*/}" "$(cat "$hdir/port" 2>/dev/null || echo -)"
        fi
    done
}

cmd_ssh() {
    [[ $# -ge 2 ]] || usage
    local dir=$1 name=$2
    shift 2
    dir=$(cd "$dir" && pwd -P)
    local port addr
    port=$(<"$dir/hosts/$name/port")
    addr=$(<"$dir/hosts/$name/address")
    exec ssh -q -p "$port" -i "$dir/id_ed25519" -o IdentitiesOnly=yes \
        -o UserKnownHostsFile="$dir/known_hosts" -o StrictHostKeyChecking=yes \
        -o BatchMode=yes "root@$addr" "$@"
}

[[ $# -ge 1 ]] || usage
sub=$1; shift
case $sub in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    ssh) cmd_ssh "$@" ;;
    -h|--help|help) usage ;;
    *) die "unknown command '$sub'" ;;
esac
