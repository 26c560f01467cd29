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
# A host runs one of two systems:
#   native    this machine's own file system (Debian 12 here), with its own
#             /etc/libvirt and /home; /etc/passwd and /etc/group are the
#             machine's, unless the host has its own accounts (below)
#   debian13  a Debian 13 root (tests/fleet/rootfs.sh: libvirt 11.3, Python
#             3.13): sshd runs chrooted in a copy-on-write overlay of the
#             root, so the host has its own /etc (accounts included), /home,
#             /etc/libvirt, /tmp and /run; its changes stay in the host's
#             directory
# A native host with its own accounts ("own-accounts") sees a copy-on-write
# overlay of /etc: useradd, groupadd and gpasswd there change that host only.
#
#   fleet.sh up [options] N DIR    start N hosts (host01..hostNN) under DIR
#   fleet.sh down DIR              stop every host of DIR and delete its state
#   fleet.sh status DIR            print NAME PORT PID state, one host a line
#   fleet.sh ssh DIR NAME [CMD..]  run a command on one host as root
#
# Options of `up`:
#   --names a,b,c    host names (then N may be given as 0 or as the count);
#                    each may carry options, NAME:OPT[:OPT], OPT one of
#                    native, debian13 (the system) and own-accounts
#   --os OS          system of the hosts without one in --names (default
#                    native)
#   --own-accounts   every native host gets its own accounts
#   --users u1,u2    make sure these accounts exist and give each a home
#                    directory /home/<user> on every host (created once in
#                    the machine's /etc/passwd, without a home there, for
#                    native hosts that share it; in each host's own
#                    accounts otherwise, so uids may differ between hosts)
#   --python PATH    ansible_python_interpreter of the native hosts in the
#                    inventory (default /usr/bin/python3; debian13 hosts get
#                    their root's /usr/bin/python3)
#   --etc MODE       seed each host's /etc/libvirt: "copy" (default) copies
#                    its system's /etc/libvirt (this machine's for native
#                    hosts, the root's for the others), "empty" starts
#                    empty; a copy of the seed stays in
#                    DIR/hosts/NAME/etc-libvirt.seed
#   --address A      listen address of every host (default: one per host,
#                    127.0.1.1, 127.0.1.2, ... then 127.0.2.1 ...)
#   --port-base P    first port to try (default: 20000 + a value derived
#                    from DIR, so that fleets in different DIRs rarely race)
#
# `up` writes DIR/inventory.yml (every host in group "fleet", connection
# variables set, fleet_os per host) and DIR/hosts.json (name, address, port,
# user, key, root, os, python, own_accounts) and may be run again on the
# same DIR: hosts already running are kept.  `down` also ends the ssh
# clients still connected to the fleet (ControlPersist masters).
set -euo pipefail

PROG=${0##*/}
SSHD=${FLEET_SSHD:-/usr/sbin/sshd}
ROOTFS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rootfs.sh
WAIT_STEPS=${FLEET_WAIT_STEPS:-100}   # x 0.05 s per wait

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { sed -n '/^#   fleet.sh up/,/^#   --port-base/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

valid_name() { [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; }
valid_os() { [[ $1 == native ]] || "$ROOTFS" list | grep -xF -- "$1" >/dev/null; }  # no -q: it would cut the list short (SIGPIPE)
HOST_USERS=()

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

# The inner script of a host's mount namespace: lays out the host's view of
# the file system, makes sure its accounts and homes exist, then execs sshd.
# Arguments: HDIR DIR SSHD OS OWN TREE USER...
# shellcheck disable=SC2016  # expanded by the inner shell
HOST_SCRIPT='
set -e
hdir=$1; dir=$2; sshd=$3; os=$4; own=$5; tree=$6
shift 6
in_root() { if [ -n "$r" ]; then chroot "$r" "$@"; else "$@"; fi; }
accounts() {  # the users, in the host own accounts, with their homes
    for u in "$@"; do
        if ! in_root getent passwd "$u" >/dev/null; then
            in_root useradd --no-create-home --home-dir "/home/$u" --shell /bin/sh \
                --comment "libvirt_client test user" --user-group "$u"
        fi
        if [ ! -d "$r/home/$u" ]; then
            in_root install -d -m 0750 -o "$u" -g "$(in_root id -gn "$u")" "/home/$u"
        fi
    done
}
if [ "$os" = native ]; then
    r=
    if [ "$own" = 1 ]; then
        mkdir -p "$hdir/etc-upper" "$hdir/etc-work"
        mount -t overlay overlay -o "lowerdir=/etc,upperdir=$hdir/etc-upper,workdir=$hdir/etc-work" /etc
    fi
    mount --bind "$hdir/etc-libvirt" /etc/libvirt
    mount --bind "$hdir/home" /home
    [ "$own" = 1 ] && accounts "$@"
    exec "$sshd" -f "$hdir/sshd_config" -E "$hdir/sshd.log"
fi
r=$hdir/rootfs
mkdir -p "$r" "$hdir/root-upper" "$hdir/root-work"
mount -t overlay overlay -o "lowerdir=$tree,upperdir=$hdir/root-upper,workdir=$hdir/root-work" "$r"
mount --rbind /dev "$r/dev"
mount -t proc proc "$r/proc"
mount -t tmpfs -o mode=0755 tmpfs "$r/run"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
install -d -m 0755 "$r/run/sshd" "$r/etc/libvirt" "$r/home"
mount --bind "$hdir/etc-libvirt" "$r/etc/libvirt"
mount --bind "$hdir/home" "$r/home"
# the fleet directory at the same path: config, keys, pid file and log
mkdir -p "$r$dir"
mount --bind "$dir" "$r$dir"
accounts "$@"
exec chroot "$r" "$sshd" -f "$hdir/sshd_config" -E "$hdir/sshd.log"
'

start_host() {
    local dir=$1 name=$2 port=$3 hdir addr os own tree=""
    hdir=$dir/hosts/$name
    addr=$(<"$hdir/address")
    os=$(<"$hdir/os")
    own=$(<"$hdir/own_accounts")
    [[ $os == native ]] || tree=$("$ROOTFS" path "$os")
    cat >"$hdir/sshd_config" <<CFG
# sshd of fleet host $name ($os)
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
    # sessions it forks) do.
    unshare -m --propagation private -- /bin/sh -c "$HOST_SCRIPT" fleet-host \
        "$hdir" "$dir" "$SSHD" "$os" "$own" "$tree" "${HOST_USERS[@]}" \
        || return 1
    wait_for host_pid "$hdir" >/dev/null && wait_for listening "$port"
}

cmd_up() {
    local names="" users="" python="" etc_mode=copy port_base="" address="" n dir default_os=native own_all=0
    while [[ $# -gt 0 ]]; do
        case $1 in
            --names) names=$2; shift 2 ;;
            --os) default_os=$2; shift 2 ;;
            --own-accounts) own_all=1; shift ;;
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

    local -a hostnames=() userlist=() specs=()
    local -A host_os=() host_own=()
    valid_os "$default_os" || die "--os must be native or a root rootfs.sh knows ($("$ROOTFS" list | paste -sd ' ')), got '$default_os'"
    if [[ -n $names ]]; then
        IFS=, read -r -a specs <<<"$names"
        [[ $n -eq 0 || $n -eq ${#specs[@]} ]] || die "N=$n but --names lists ${#specs[@]} hosts"
    else
        local i
        for ((i = 1; i <= n; i++)); do specs+=("$(printf 'host%02d' "$i")"); done
    fi
    [[ ${#specs[@]} -gt 0 ]] || die "no hosts requested"
    local h u spec opt
    local -a opts
    for spec in "${specs[@]}"; do
        IFS=: read -r -a opts <<<"$spec"
        h=${opts[0]:-}
        valid_name "$h" || die "invalid host name '$h' (in '$spec')"
        hostnames+=("$h")
        host_os[$h]=$default_os
        host_own[$h]=$own_all
        for opt in "${opts[@]:1}"; do
            if [[ $opt == own-accounts ]]; then
                host_own[$h]=1
            elif valid_os "$opt"; then
                host_os[$h]=$opt
            else
                die "host '$h': unknown option '$opt' (native, $("$ROOTFS" list | tr '\n' ',' | sed 's/,$//') or own-accounts)"
            fi
        done
        # a root has its own accounts anyway
        [[ ${host_os[$h]} == native ]] || host_own[$h]=1
    done
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
    local shared=0
    for h in "${hostnames[@]}"; do [[ ${host_own[$h]} == 1 ]] || shared=1; done
    if [[ $shared -eq 1 ]]; then
        for u in "${userlist[@]}"; do ensure_user "$u"; done
    fi
    for h in "${hostnames[@]}"; do
        [[ ${host_os[$h]} == native ]] || "$ROOTFS" build "${host_os[$h]}"
    done

    if [[ -z $port_base ]]; then
        port_base=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 10000))
    fi
    local port=$port_base hdir tries
    for h in "${hostnames[@]}"; do
        hdir=$dir/hosts/$h
        mkdir -p "$hdir/etc-libvirt" "$hdir/home"
        if [[ -s $hdir/os && ( $(<"$hdir/os") != "${host_os[$h]}" || $(<"$hdir/own_accounts") != "${host_own[$h]}" ) ]]; then
            die "host $h was made as $(<"$hdir/os") (own accounts: $(<"$hdir/own_accounts")); 'down' the fleet to change it"
        fi
        if host_pid "$hdir" >/dev/null; then
            continue
        fi
        printf '%s\n' "${host_os[$h]}" >"$hdir/os"
        printf '%s\n' "${host_own[$h]}" >"$hdir/own_accounts"
        HOST_USERS=()
        [[ ${host_own[$h]} == 1 ]] && HOST_USERS=("${userlist[@]}")
        if [[ ! -e $hdir/.seeded ]]; then
            if [[ $etc_mode == copy && ${host_os[$h]} == native ]]; then
                cp -a /etc/libvirt/. "$hdir/etc-libvirt/"
            elif [[ $etc_mode == copy ]]; then
                cp -a "$("$ROOTFS" path "${host_os[$h]}")/etc/libvirt/." "$hdir/etc-libvirt/"
            fi
            # what the host started with, for tests to compare with later
            rm -rf "$hdir/etc-libvirt.seed"
            cp -a "$hdir/etc-libvirt" "$hdir/etc-libvirt.seed"
            : >"$hdir/.seeded"
        fi
        chmod 0755 "$hdir/etc-libvirt" "$hdir/home"
        for u in "${userlist[@]}"; do
            [[ ${host_own[$h]} == 1 ]] && break  # made in the host, with its uids
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
    local dir=$1 python=$2 h hdir port addr key_line os own hpy
    : >"$dir/known_hosts.tmp"
    local -a entries=()
    for hdir in "$dir"/hosts/*/; do
        hdir=${hdir%/}
        h=${hdir##*/}
        host_pid "$hdir" >/dev/null || continue
        port=$(<"$hdir/port")
        addr=$(<"$hdir/address")
        os=$(<"$hdir/os")
        own=$(<"$hdir/own_accounts")
        key_line=$(cut -d' ' -f1,2 "$hdir/ssh_host_ed25519_key.pub")
        printf '[%s]:%s %s\n' "$addr" "$port" "$key_line" >>"$dir/known_hosts.tmp"
        entries+=("$h $port $addr $hdir $os $own")
    done
    mv "$dir/known_hosts.tmp" "$dir/known_hosts"
    {
        printf '# generated by %s; do not edit\n' "$PROG"
        printf 'fleet:\n  vars:\n'
        printf '    ansible_user: root\n'
        printf '    ansible_ssh_private_key_file: %s\n' "$dir/id_ed25519"
        printf '    ansible_ssh_common_args: >-\n      -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes\n' "$dir/known_hosts"
        printf '  hosts:\n'
        local e
        for e in "${entries[@]}"; do
            read -r h port addr hdir os own <<<"$e"
            printf '    %s:\n      ansible_host: %s\n      ansible_port: %s\n      fleet_host_root: %s\n' "$h" "$addr" "$port" "$hdir"
            printf '      fleet_os: %s\n      fleet_own_accounts: %s\n' "$os" "$([[ $own == 1 ]] && echo true || echo false)"
            # the system's own Python: --python for native hosts, the root's for the others
            hpy=${python:-/usr/bin/python3}
            [[ $os == native ]] || hpy=/usr/bin/python3
            printf '      ansible_python_interpreter: %s\n' "$hpy"
        done
    } >"$dir/inventory.yml"
    {
        printf '['
        local sep=""
        for e in "${entries[@]}"; do
            read -r h port addr hdir os own <<<"$e"
            hpy=${python:-/usr/bin/python3}
            [[ $os == native ]] || hpy=/usr/bin/python3
            printf '%s\n  {"name": "%s", "address": "%s", "port": %s, "user": "root", "identity_file": "%s", "root": "%s", "os": "%s", "own_accounts": %s, "python": "%s"}' \
                "$sep" "$h" "$addr" "$port" "$dir/id_ed25519" "$hdir" "$os" "$([[ $own == 1 ]] && echo true || echo false)" "$hpy"
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

# pids of the ssh clients on this machine still connected to a host of DIR
# (ControlPersist masters, mostly), found from /proc/net/tcp and /proc/*/fd
fleet_clients() {
    local dir=$1 hdir a b c d port key inode pid fd
    local -A want=() inodes=()
    for hdir in "$dir"/hosts/*/; do
        [[ -s $hdir/address && -s $hdir/port ]] || continue
        IFS=. read -r a b c d <"$hdir/address"
        port=$(<"$hdir/port")
        printf -v key '%02X%02X%02X%02X:%04X' "$d" "$c" "$b" "$a" "$port"
        want[$key]=1
    done
    [[ ${#want[@]} -gt 0 ]] || return 0
    local _sl _local rem _rest
    while read -r _sl _local rem _st _tq _tr _rt _uid _to inode _rest; do
        [[ -n ${want[$rem]:-} && $inode != 0 ]] && inodes[$inode]=1
    done </proc/net/tcp
    [[ ${#inodes[@]} -gt 0 ]] || return 0
    local p comm
    for p in /proc/[0-9]*; do
        comm=""
        read -r comm 2>/dev/null <"$p/comm" || continue
        [[ $comm == ssh ]] || continue
        for fd in "$p"/fd/*; do
            inode=$(readlink "$fd" 2>/dev/null) || continue
            inode=${inode#socket:[}; inode=${inode%]}
            if [[ -n ${inodes[$inode]:-} ]]; then
                printf '%s\n' "${p#/proc/}"
                break
            fi
        done
    done
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
    # clients whose server is gone end on their own; end the ones that linger
    local i
    local -a clients=()
    for ((i = 0; i < 40; i++)); do
        mapfile -t clients < <(fleet_clients "$dir")
        [[ ${#clients[@]} -eq 0 ]] && break
        [[ $i -eq 10 ]] && kill -TERM "${clients[@]}" 2>/dev/null
        [[ $i -eq 30 ]] && kill -KILL "${clients[@]}" 2>/dev/null
        sleep 0.05
    done
    local stuck=0
    if [[ ${#clients[@]} -gt 0 ]]; then
        printf '%s: ssh clients still connected to the fleet: %s\n' "$PROG" "${clients[*]}" >&2
        stuck=1
    fi
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
