#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Root file systems of other Debian releases for the test fleet and the
# differential tests (a second libvirt to compare with).
#
#   rootfs.sh path NAME     build NAME if needed, print the directory of its tree
#   rootfs.sh build NAME    the same, printing nothing but progress
#   rootfs.sh list          print the names this script knows
#   rootfs.sh run NAME [--bind SRC[:DST]]... -- CMD [ARG]...
#                           run CMD chrooted in NAME's tree, in a private mount
#                           namespace: the tree is mounted read-only, with /dev,
#                           a fresh /proc, an empty tmpfs on /tmp and /run, and
#                           each SRC of this machine bound at DST (default: the
#                           same path; DST must exist in the tree).  Runs as
#                           root; nothing of it outlives CMD.
#
# NAME is one of
#   debian11  Debian 11 "bullseye": libvirt 7.0, Python 3.9
#   debian13  Debian 13 "trixie": libvirt 11.3, Python 3.13
#   sid       Debian unstable: the newest libvirt Debian ships (12.8 when
#             this was written), the newest Python
# A release that the mirror no longer serves (no dists/SUITE/InRelease) and
# that has no cached tarball makes path, build and run exit 3 with a message
# naming it; the tests then leave that oracle out instead of failing.
#
# The root is built once with debootstrap from the Debian mirror this
# machine's apt uses (the first deb.debian.org-style URI of
# /etc/apt/sources.list*), packed into
# $ROOTFS_CACHE/NAME-KEY.tar.zst (default .cache/roots), where KEY hashes the
# suite, the package list, the mirror and this script's recipe version.  The
# tree is unpacked next to it (NAME-KEY/, with a .complete marker) and kept:
# later runs find it and return at once; a missing tree is unpacked again
# from the tarball in seconds.  Users of the tree must not write to it: the
# fleet mounts an overlay over it per host, the tests chroot into it
# read-only with a private /etc/libvirt bound over it.
set -euo pipefail

PROG=${0##*/}
ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${ROOTFS_CACHE:-$ROOT_DIR/.cache/roots}
RECIPE=1
NAMES=(debian11 debian13 sid)

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# suite and packages of each root.  debootstrap does not resolve virtual
# packages: python3-augeas needs python3-cffi-backend named.
recipe() {
    case $1 in
        debian13)
            SUITE=trixie
            PACKAGES=(
                libvirt-clients python3 python3-augeas python3-cffi-backend augeas-lenses
                openssh-server sudo util-linux passwd
            )
            # virt-admin, libvirt's admin client, is in libvirt-daemon-common on
            # Debian 13, whose dependencies (polkitd, a logind) cannot be
            # configured in a minimal root; only the program is needed (it links
            # libvirt-admin.so.0 of libvirt0).
            PROGRAMS=(libvirt-daemon-common:usr/bin/virt-admin)
            ;;
        debian11)
            # Debian 11 "bullseye": libvirt 7.0, Python 3.9; virt-admin is in
            # libvirt-clients there
            SUITE=bullseye
            PACKAGES=(
                libvirt-clients python3 python3-augeas python3-cffi-backend augeas-lenses
                openssh-server sudo util-linux passwd
            )
            PROGRAMS=()
            ;;
        sid)
            # Debian unstable: the newest libvirt Debian ships; as on Debian 13,
            # virt-admin is in libvirt-daemon-common
            SUITE=sid
            PACKAGES=(
                libvirt-clients python3 python3-augeas python3-cffi-backend augeas-lenses
                openssh-server sudo util-linux passwd
            )
            PROGRAMS=(libvirt-daemon-common:usr/bin/virt-admin)
            ;;
        *) die "unknown root '$1' (known: ${NAMES[*]})" ;;
    esac
}

# packages installed with apt-get after debootstrap, without their
# recommendations and with services kept from starting (policy-rc.d): a real
# libvirt daemon and the remote helpers for fleet hosts (fleet.sh --libvirtd).
# debootstrap cannot configure libvirt-daemon's dependencies (systemd,
# polkitd) on its own; apt-get in the finished root can.
daemon_packages() {
    case $1 in
        debian13) echo libvirt-daemon libvirt-daemon-driver-qemu netcat-openbsd ;;
        *) ;;
    esac
}

# apt-get install $DAEMON_PACKAGES into the root $tmp, chrooted in a private
# mount namespace; nothing started, the package caches removed afterwards
install_daemon_packages() {
    [[ -n $DAEMON_PACKAGES ]] || return 0
    local -a pkgs
    read -r -a pkgs <<<"$DAEMON_PACKAGES"
    say "installing $DAEMON_PACKAGES into the root"
    # shellcheck disable=SC2016  # expanded by the inner shell
    unshare -m --propagation private -- /bin/sh -c '
        set -e
        t=$1; shift
        mount --rbind /dev "$t/dev"
        mount -t proc proc "$t/proc"
        mount -t tmpfs -o mode=0755 tmpfs "$t/run"
        cp /etc/resolv.conf "$t/etc/resolv.conf" 2>/dev/null || true
        printf "#!/bin/sh\nexit 101\n" >"$t/usr/sbin/policy-rc.d"
        chmod 0755 "$t/usr/sbin/policy-rc.d"
        chroot "$t" env DEBIAN_FRONTEND=noninteractive apt-get -q update
        chroot "$t" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "$@"
        rm -f "$t/usr/sbin/policy-rc.d"
    ' rootfs-daemon "$tmp" "${pkgs[@]}" >>"$CACHE/$name.debootstrap.log" 2>&1 \
        || die "apt-get install $DAEMON_PACKAGES failed (log: $CACHE/$name.debootstrap.log)"
}

# the Debian mirror of this machine's apt sources (deb822 or one-line format)
mirror() {
    local uri
    [[ -n ${ROOTFS_MIRROR:-} ]] && { printf '%s\n' "$ROOTFS_MIRROR"; return; }
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
        | sed -n -e 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\/\{0,1\}\)\([[:space:]].*\)\{0,1\}$/\1/p' \
                 -e 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\/debian\/\{0,1\}\)[[:space:]].*/\2/p' \
        | head -n 1)
    [[ -n $uri ]] || die "no Debian mirror (a URI ending in /debian) in /etc/apt/sources.list*; set ROOTFS_MIRROR"
    printf '%s\n' "$uri"
}

key() {
    printf '%s\n' "recipe=$RECIPE" "suite=$SUITE" "mirror=$MIRROR" "arch=$(dpkg --print-architecture)" "${PACKAGES[@]}" \
        "${PROGRAMS[@]}" ${DAEMON_PACKAGES:+"daemon: $DAEMON_PACKAGES"} \
        | sha256sum | cut -c1-12
}

# programs PACKAGE:PATH... -> unpack PATH of PACKAGE into $tmp, the package
# found in the index debootstrap fetched (its Release checked against the
# keyring) and its SHA256 checked against that index
programs() {
    local spec pkg path index found file sum deb
    index=$(find "$tmp/var/lib/apt/lists" -name '*_main_binary-*_Packages' | head -n 1)
    [[ -n $index ]] || die "no package index in $tmp/var/lib/apt/lists"
    for spec in "$@"; do
        pkg=${spec%%:*} path=${spec#*:}
        found=$(awk -v p="$pkg" '
            $1 == "Package:" { hit = ($2 == p) }
            hit && $1 == "Filename:" { file = $2 }
            hit && $1 == "SHA256:" { sum = $2 }
            hit && /^$/ { exit }
            END { if (file != "" && sum != "") print file, sum }' "$index")
        [[ -n $found ]] || die "$pkg is not in $index"
        read -r file sum <<<"$found"
        deb=$tmp.$pkg.deb
        curl -fsS -m 300 -o "$deb" "${MIRROR%/}/$file" || die "cannot download ${MIRROR%/}/$file"
        printf '%s  %s\n' "$sum" "$deb" | sha256sum -c --quiet - || die "$deb does not match $index"
        dpkg-deb --fsys-tarfile "$deb" | tar -C "$tmp" -xf - "./$path" || die "no $path in $deb"
        rm -f -- "$deb"
    done
}

need() {  # need TOOL PACKAGE: install PACKAGE with apt-get when TOOL is missing
    command -v "$1" >/dev/null 2>&1 && return 0
    [[ $(id -u) -eq 0 ]] || die "$1 is missing (apt-get install $2, as root)"
    say "installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y "$2" >/dev/null \
        || { DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null \
             && DEBIAN_FRONTEND=noninteractive apt-get -q install -y "$2" >/dev/null; } \
        || die "cannot install $2"
}

build() {
    local name=$1 base tarball tree tmp t0=$SECONDS
    recipe "$name"
    DAEMON_PACKAGES=$(daemon_packages "$name")
    MIRROR=$(mirror)
    base=$CACHE/$name-$(key)
    tarball=$base.tar.zst
    tree=$base
    if [[ -e $tree/.complete ]]; then
        printf '%s\n' "$tree"; return 0
    fi
    [[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, and unpacking a root with its owners)"
    need zstd zstd
    mkdir -p "$CACHE"
    exec {lock}>"$CACHE/.$name.lock"
    flock -w 900 "$lock" || die "timed out waiting for another build of $name"
    if [[ -e $tree/.complete ]]; then
        printf '%s\n' "$tree"; return 0
    fi
    rm -rf -- "$tree" "$tree.tmp"
    if [[ ! -s $tarball ]]; then
        need curl curl
        # A release gone from the registry (Debian moves old ones to its
        # archive) is not an error of the tests: exit 3 says so.
        local status=0
        curl -fsS -m 60 -o /dev/null "${MIRROR%/}/dists/$SUITE/InRelease" 2>/dev/null || status=$?
        if [[ $status -eq 22 ]]; then
            say "$name: Debian $SUITE is not on $MIRROR any more (no dists/$SUITE/InRelease) and no root of it is cached in $CACHE"
            exit 3
        fi
        [[ $status -eq 0 ]] || die "cannot reach ${MIRROR%/}/dists/$SUITE/InRelease (curl exit $status)"
        need debootstrap debootstrap
        say "building $name ($SUITE from $MIRROR) into $tarball; this takes a few minutes, once"
        tmp=$tree.tmp
        mkdir -p "$tmp"
        if ! debootstrap --variant=minbase --include="$(IFS=,; echo "${PACKAGES[*]}")" \
                --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
                "$SUITE" "$tmp" "$MIRROR" >"$CACHE/$name.debootstrap.log" 2>&1; then
            tail -n 20 "$CACHE/$name.debootstrap.log" >&2
            [[ -e $tmp/debootstrap/debootstrap.log ]] && tail -n 20 "$tmp/debootstrap/debootstrap.log" >&2
            rm -rf -- "$tmp"
            die "debootstrap of $name failed (log: $CACHE/$name.debootstrap.log)"
        fi
        programs "${PROGRAMS[@]}"
        install_daemon_packages
        # a smaller, quieter root: no package caches, no host keys (each
        # fleet host brings its own), no services that would start
        rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/* "$tmp"/etc/ssh/ssh_host_*
        install -d -m 0755 "$tmp/etc/libvirt" "$tmp/run/sshd"
        tar -C "$tmp" --numeric-owner --xattrs -cf - . | zstd -q -T0 -3 -o "$tarball.tmp"
        mv "$tarball.tmp" "$tarball"
        mv "$tmp" "$tree"
        say "built $tarball ($(du -h "$tarball" | cut -f1)) in $((SECONDS - t0)) s"
    else
        say "unpacking $tarball"
        mkdir -p "$tree"
        zstd -q -d -T0 -c "$tarball" | tar -C "$tree" --numeric-owner --xattrs -xf -
    fi
    : >"$tree/.complete"
    printf '%s\n' "$tree"
}

run() {
    local name=$1 tree spec
    shift
    local -a binds=()
    while [[ $# -gt 0 ]]; do
        case $1 in
            --bind) [[ $# -ge 2 ]] || die "--bind needs SRC[:DST]"; binds+=("$2"); shift 2 ;;
            --) shift; break ;;
            *) break ;;
        esac
    done
    [[ $# -ge 1 ]] || die "run: no command given"
    [[ $(id -u) -eq 0 ]] || die "run: must run as root (mount namespaces and chroot)"
    tree=$(build "$name")
    for spec in "${binds[@]}"; do
        [[ ${spec%%:*} == /* && -e ${spec%%:*} ]] || die "run: bind source '${spec%%:*}' is not an existing absolute path"
        [[ $spec != *:* || ${spec#*:} == /* ]] || die "run: bind target '${spec#*:}' is not absolute"
    done
    # shellcheck disable=SC2016  # the inner script gets everything as arguments
    exec unshare -m --propagation private -- /bin/sh -c '
        set -e
        t=$1; shift
        mount --bind "$t" "$t"
        mount -o remount,bind,ro "$t"
        mount --rbind /dev "$t/dev"
        mount -t proc proc "$t/proc"
        mount -t tmpfs -o mode=1777 tmpfs "$t/tmp"
        mount -t tmpfs -o mode=0755 tmpfs "$t/run"
        while [ "$1" != -- ]; do
            src=${1%%:*}; dst=$src
            case $1 in *:*) dst=${1#*:} ;; esac
            [ -e "$t$dst" ] || { echo "rootfs.sh run: $dst does not exist in $t" >&2; exit 1; }
            mount --bind "$src" "$t$dst"
            shift
        done
        shift
        exec chroot "$t" "$@"
    ' rootfs-run "$tree" "${binds[@]}" -- "$@"
}

[[ $# -ge 1 ]] || die "usage: $PROG path|build NAME, or $PROG list"
case $1 in
    path) [[ $# -eq 2 ]] || die "usage: $PROG path NAME"; build "$2" ;;
    build) [[ $# -eq 2 ]] || die "usage: $PROG build NAME"; build "$2" >/dev/null ;;
    list) printf '%s\n' "${NAMES[@]}" ;;
    run) [[ $# -ge 2 ]] || die "usage: $PROG run NAME [--bind SRC[:DST]]... -- CMD..."; shift; run "$@" ;;
    *) die "unknown command '$1'" ;;
esac
