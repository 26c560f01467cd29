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
#   fleet.sh libvirtd DIR NAME start|stop|status
#                                  start or stop the libvirt daemon of a host
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
#   --libvirtd       every host runs a real libvirt daemon (libvirtd) in
#                    its namespaces, with its own hostname (a UTS namespace:
#                    the host's name) and its own /run; per host, in
#                    --names: "libvirtd" (this host only), "no-libvirtd"
#                    (none here), "no-helpers" (neither virt-ssh-helper nor
#                    nc on this host).  See "A libvirt daemon per host" below.
#   --mesh-port P    every host also listens on ADDRESS:P, P the same for
#                    all ("auto": a port free on every address, written to
#                    DIR/mesh_port), so that one URI template with only the
#                    address varying reaches every host
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

ensure_user() {  # fleets of other directories may create the same account at the same time
    local user=$1 i
    for ((i = 0; i < 20; i++)); do
        getent passwd "$user" >/dev/null && return 0
        useradd --no-create-home --home-dir "/home/$user" --shell /bin/sh \
            --comment "libvirt_client test user" --user-group "$user" 2>/dev/null && return 0
        # another useradd holds the lock of /etc/passwd, or has just created the account
        sleep 0.5
    done
    getent passwd "$user" >/dev/null || die "cannot create user $user"
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
    if [ -f "$hdir/daemon.sh" ]; then . "$hdir/daemon.sh"; fi
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
if [ -f "$hdir/daemon.sh" ]; then . "$hdir/daemon.sh"; fi
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
    # shellcheck disable=SC2046  # daemon_unshare_flags prints words or nothing
    unshare -m $(daemon_unshare_flags "$hdir") --propagation private -- /bin/sh -c "$HOST_SCRIPT" fleet-host \
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
            --libvirtd) DAEMON_ALL=1; shift ;;
            --mesh-port) MESH_PORT=$2; shift 2 ;;
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
            elif daemon_host_option "$h" "$opt"; then
                :
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
    # Fleets of other directories may start at the same time (molecule runs scenarios side by
    # side): one 'up' at a time creates accounts and lays out its hosts, so that no host's
    # copy-on-write /etc is taken while another fleet's useradd holds the lock files of
    # /etc/passwd and /etc/group.  The hosts' sshd inherit the descriptor: unlock on any exit.
    mkdir -p /run/lock
    exec {UP_LOCK}>/run/lock/virtkit-fleet-up.lock
    flock -w 600 "$UP_LOCK" || die "timed out waiting for another fleet's 'up' (/run/lock/virtkit-fleet-up.lock)"
    trap 'flock -u "$UP_LOCK" 2>/dev/null' EXIT
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
        daemon_mesh_port "$dir"
        daemon_host_files "$hdir" "$h"
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
            "$dir/authorized_keys" "$dir/id_ed25519" "$dir/id_ed25519.pub" "$dir/mesh_port" "$dir/.fleet"
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

# --- A libvirt daemon per host (--libvirtd; options libvirtd, no-libvirtd,
# no-helpers) ---------------------------------------------------------------
#
# A host with a daemon gets, in its mount namespace, a UTS namespace whose
# hostname is the host's name, a tmpfs on /run (a debian13 host has one
# already), and for native hosts per-host /var/lib/libvirt, /var/cache/libvirt
# and /var/log/libvirt; then `libvirtd -d` starts there, before sshd.  The
# daemon is the system's own: 9.0 on native hosts (the machine's
# libvirt-daemon, `make deps`), 11.3 on debian13 hosts (rootfs.sh installs
# it).  qemu:///system opens without QEMU or KVM.  A "no-helpers" host hides
# virt-ssh-helper and nc (an overlay over /usr/bin whiteouts them on native
# hosts; they are deleted from a root host's overlay).  Nothing of this runs
# outside the host's namespaces, and `down` ends it with the host.
DAEMON_ALL=0
MESH_PORT=
declare -A DAEMON_HOST=() HELPERS_HOST=()

# --mesh-port: DIR/mesh_port, chosen once per fleet
daemon_mesh_port() {
    local dir=$1 p
    [[ -n $MESH_PORT ]] || return 0
    if [[ -s $dir/mesh_port ]]; then
        [[ $MESH_PORT == auto || $MESH_PORT == "$(<"$dir/mesh_port")" ]] \
            || die "the fleet's mesh port is $(<"$dir/mesh_port"); 'down' the fleet to change it"
        return 0
    fi
    if [[ $MESH_PORT == auto ]]; then
        for ((p = 30000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 5000; ; p++)); do
            port_in_use "$p" || break
        done
    else
        [[ $MESH_PORT =~ ^[0-9]+$ && $MESH_PORT -ge 1 && $MESH_PORT -le 65535 ]] \
            || die "--mesh-port must be a port number or auto, got '$MESH_PORT'"
        p=$MESH_PORT
    fi
    printf '%s\n' "$p" >"$dir/mesh_port"
}

daemon_host_option() {  # daemon_host_option HOST OPT: whether OPT is one of ours
    case $2 in
        libvirtd) DAEMON_HOST[$1]=1 ;;
        no-libvirtd) DAEMON_HOST[$1]=0 ;;
        no-helpers) HELPERS_HOST[$1]=0 ;;
        *) return 1 ;;
    esac
}

# the host's markers and the script its namespace sources before sshd starts
daemon_host_files() {
    local hdir=$1 h=$2 daemon helpers
    daemon=${DAEMON_HOST[$h]:-$DAEMON_ALL}
    helpers=${HELPERS_HOST[$h]:-1}
    printf '%s\n' "$daemon" >"$hdir/libvirtd"
    printf '%s\n' "$helpers" >"$hdir/helpers"
    rm -f "$hdir/daemon.sh"
    [[ $daemon == 1 || $helpers == 0 || -n $MESH_PORT ]] || return 0
    if [[ $daemon == 1 && $(<"$hdir/os") == native && ! -x /usr/sbin/libvirtd ]]; then
        die "host $h: /usr/sbin/libvirtd is missing (make deps installs libvirt-daemon)"
    fi
    # the qemu driver's account, which Debian's libvirt-daemon-system would make
    # (the qemu driver refuses to start without it)
    if [[ $daemon == 1 && $(<"$hdir/os") == native ]] && ! getent passwd libvirt-qemu >/dev/null; then
        useradd --system --no-create-home --home-dir /var/lib/libvirt --shell /usr/sbin/nologin \
            --comment "Libvirt Qemu" --user-group libvirt-qemu 2>/dev/null \
            || getent passwd libvirt-qemu >/dev/null || die "cannot create the account libvirt-qemu"
    fi
    printf '%s\n' "$h" >"$hdir/hostname"
    # shellcheck disable=SC2016  # expanded when the host's namespace sources it
    printf '%s\n' '# sourced by the host namespace script (fleet.sh): r is the root ("" for native)' \
        'hostname "$(cat "$hdir/hostname")"' \
        '# the mesh port: one more ListenAddress' \
        'if [ -s "$dir/mesh_port" ]; then' \
        '    echo "ListenAddress $(cat "$hdir/address"):$(cat "$dir/mesh_port")" >>"$hdir/sshd_config"' \
        'fi' \
        '# /etc/ssh of the host, with its own host key (what facts and clients see), never the machine'"'"'s' \
        'if [ -z "$r" ]; then' \
        '    rm -rf "$hdir/etc-ssh"; mkdir -p "$hdir/etc-ssh"' \
        '    (cd /etc/ssh && for f in *; do case $f in ssh_host_*) ;; *) cp -a "$f" "$hdir/etc-ssh/" ;; esac; done)' \
        '    mount --bind "$hdir/etc-ssh" /etc/ssh' \
        'fi' \
        'rm -f "$r"/etc/ssh/ssh_host_*' \
        'cp "$hdir/ssh_host_ed25519_key" "$hdir/ssh_host_ed25519_key.pub" "$r/etc/ssh/"' \
        'if [ -z "$r" ]; then' \
        '    mount -t tmpfs -o mode=0755 tmpfs /run' \
        '    install -d -m 0755 /run/sshd' \
        '    for d in lib cache log; do' \
        '        mkdir -p "$hdir/var-$d-libvirt" "/var/$d/libvirt"' \
        '        mount --bind "$hdir/var-$d-libvirt" "/var/$d/libvirt"' \
        '    done' \
        'fi' \
        'if [ "$(cat "$hdir/helpers")" = 0 ]; then' \
        '    if [ -z "$r" ]; then' \
        '        mkdir -p "$hdir/usr-bin-upper" "$hdir/usr-bin-work"' \
        '        mount -t overlay overlay -o "lowerdir=/usr/bin,upperdir=$hdir/usr-bin-upper,workdir=$hdir/usr-bin-work" /usr/bin' \
        '    fi' \
        '    rm -f "$r/usr/bin/virt-ssh-helper" "$r/usr/bin/nc" "$r/usr/bin/nc.openbsd" "$r/usr/bin/nc.traditional" "$r/usr/bin/netcat"' \
        'fi' \
        'if [ "$(cat "$hdir/libvirtd")" = 1 ]; then' \
        '    if [ -n "$r" ]; then chroot "$r" /usr/sbin/libvirtd -d; else /usr/sbin/libvirtd -d; fi' \
        '    i=0; while [ ! -S "$r/run/libvirt/libvirt-sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done' \
        '    [ -S "$r/run/libvirt/libvirt-sock" ] || { echo "libvirtd did not start" >&2; exit 1; }' \
        'fi' >"$hdir/daemon.sh"
}

daemon_unshare_flags() {  # a UTS namespace for a host that has a daemon.sh
    [[ -f $1/daemon.sh ]] && printf '%s\n' -u
    return 0
}

# fleet.sh libvirtd DIR NAME start|stop|status: the daemon of a running host
cmd_libvirtd() {
    [[ $# -eq 3 ]] || usage
    local dir=$1 name=$2 action=$3 hdir
    dir=$(cd "$dir" && pwd -P)
    hdir=$dir/hosts/$name
    host_pid "$hdir" >/dev/null || die "host $name is not running"
    [[ -f $hdir/daemon.sh ]] || die "host $name was not made with a libvirt daemon (--libvirtd or NAME:libvirtd)"
    # shellcheck disable=SC2016  # run by the host's shell
    case $action in
        start) "$0" ssh "$dir" "$name" 'test -S /run/libvirt/libvirt-sock && kill -0 "$(cat /run/libvirtd.pid 2>/dev/null)" 2>/dev/null || { /usr/sbin/libvirtd -d && i=0 && while [ ! -S /run/libvirt/libvirt-sock ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done; test -S /run/libvirt/libvirt-sock; }' ;;
        stop) "$0" ssh "$dir" "$name" 'p=$(cat /run/libvirtd.pid 2>/dev/null) || exit 0; kill "$p" 2>/dev/null || exit 0; i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done; ! kill -0 "$p" 2>/dev/null' ;;
        status) "$0" ssh "$dir" "$name" 'kill -0 "$(cat /run/libvirtd.pid 2>/dev/null)" 2>/dev/null && echo running || echo stopped' ;;
        *) die "libvirtd: action must be start, stop or status, got '$action'" ;;
    esac
}

[[ $# -ge 1 ]] || usage
sub=$1; shift
case $sub in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    ssh) cmd_ssh "$@" ;;
    libvirtd) cmd_libvirtd "$@" ;;
    -h|--help|help) usage ;;
    *) die "unknown command '$sub'" ;;
esac
