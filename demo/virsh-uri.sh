#!/usr/bin/env bash
# virsh-uri.sh CONF [NAME]: print what `virsh [-c NAME] uri` resolves to when
# libvirt reads CONF as its client configuration.
# As root, virsh reads /etc/libvirt/libvirt.conf whatever XDG_CONFIG_HOME says,
# so CONF is bind-mounted there in a private mount namespace; otherwise
# XDG_CONFIG_HOME points at CONF's grandparent directory.
set -euo pipefail
conf=$1
name=${2:-}
args=(virsh -q)
if [ -n "$name" ]; then
    args+=(-c "$name")
fi
args+=(uri)
if [ "$(id -u)" = 0 ]; then
    # shellcheck disable=SC2016 # the inner shell expands $0 and $@
    exec unshare -m --propagation private sh -c 'mount --bind "$0" /etc/libvirt/libvirt.conf && shift && exec "$@"' \
        "$conf" - "${args[@]}"
fi
XDG_CONFIG_HOME=$(dirname "$(dirname "$conf")") exec "${args[@]}"
