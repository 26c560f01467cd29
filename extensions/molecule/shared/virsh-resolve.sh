#!/bin/sh
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Ask real virsh what names resolve to, on the host this runs on.
#   virsh-resolve.sh [--user USER] [--xdg DIR] NAME...
# As root virsh reads /etc/libvirt/libvirt.conf; with --user it runs as USER
# with a clean environment (HOME from passwd, XDG_CONFIG_HOME=DIR if given),
# so it reads that user's file.  The NAME @default runs virsh without -c, i.e.
# asks what uri_default resolves to.  First a line naming the virsh asked
# (the host's own: libvirt 9.0 on a Debian 12 host, 11.3 on a Debian 13 one):
#   @virsh<TAB>ok<TAB>VERSION
# then one line per NAME:
#   NAME<TAB>ok<TAB>URI     or     NAME<TAB>error<TAB>MESSAGE
set -u
user=""
xdg=""
while [ $# -gt 0 ]; do
    case $1 in
        --user) user=$2; shift 2 ;;
        --xdg) xdg=$2; shift 2 ;;
        *) break ;;
    esac
done
tab=$(printf '\t')
err=$(mktemp)
trap 'rm -f "$err"' EXIT
printf '@virsh%sok%s%s\n' "$tab" "$tab" "$(virsh --version 2>/dev/null || echo unknown)"
for name in "$@"; do
    if [ "$name" = "@default" ]; then
        set -- uri
    else
        set -- -c "$name" uri
    fi
    if [ -n "$user" ]; then
        home=$(getent passwd "$user" | cut -d: -f6)
        if [ -n "$xdg" ]; then
            out=$(runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME="$home" XDG_CONFIG_HOME="$xdg" virsh -q "$@" 2>"$err")
        else
            out=$(runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME="$home" virsh -q "$@" 2>"$err")
        fi
    else
        out=$(env -u LIBVIRT_DEFAULT_URI -u VIRSH_DEFAULT_CONNECT_URI virsh -q "$@" 2>"$err")
    fi
    rc=$?
    if [ $rc -eq 0 ]; then
        out=$(printf '%s' "$out" | tr '\n\t' '  ' | sed 's/ *$//')
        printf '%s%sok%s%s\n' "$name" "$tab" "$tab" "$out"
    else
        # only virsh's own error lines (not e.g. polkit notices)
        out=$(grep '^error:' "$err" | tr '\n\t' '  ' | sed 's/ *$//')
        printf '%s%serror%s%s\n' "$name" "$tab" "$tab" "$out"
    fi
done
