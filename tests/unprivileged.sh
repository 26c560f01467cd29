#!/usr/bin/env bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tests/unprivileged.sh [PYTEST ARGS...]       (as root; default arguments: tests/unit)
#
# Runs pytest as the unprivileged user `nobody` on a machine without libvirt, and so shows that the
# tests it runs (tests/unit) need neither root nor libvirt.  It runs in a private mount namespace
# where:
#   * virsh, virt-admin and every libvirt*.so* of `ldconfig -p` are covered by an empty,
#     non-executable file (no virsh on PATH, no libvirt.so.0 to load);
#   * the Debian roots of tests/fleet/rootfs.sh (.cache/roots, $ROOTFS_CACHE) are covered by an
#     empty directory;
#   * a directory `nobody` cannot enter on the way to the checkout, its virtual environment or that
#     environment's Python (a pyenv Python under /root, a checkout under /root) is replaced by one
#     that holds only those paths.
# `nobody` gets a fresh HOME and TMPDIR, PYTHONDONTWRITEBYTECODE and no pytest cache: nothing in the
# checkout is written.  ANSIBLE_REMOTE_TMP points into that HOME: ansible-playbook (the filter tests)
# takes ~ from the account, and nobody's is /nonexistent, where a person's account has a home.  A test that needs root, virsh, libvirt or a root fails here.
#
# Environment: PYTHON (default .venv/bin/python), PYTEST_WORKERS (default 2; 0 runs one process).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
RUN_AS=nobody

die() { echo "tests/unprivileged.sh: $*" >&2; exit 1; }

if [[ ${1:-} != --inside ]]; then
    [[ $(id -u) == 0 ]] || die "needs root (it makes a mount namespace, then becomes $RUN_AS)"
    if ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
        die "needs unshare and setpriv (util-linux)"
    fi
    [[ -x $PY ]] || die "$PY is missing: run make venv"
    scratch=$(mktemp -d /tmp/virtkit-unprivileged.XXXXXX)
    trap 'rm -rf "$scratch"' EXIT
    chmod 0755 "$scratch"
    rc=0
    UNPRIVILEGED_DIR=$scratch unshare --mount --propagation private -- bash "${BASH_SOURCE[0]}" --inside "$@" || rc=$?
    exit "$rc"
fi
shift
work=${UNPRIVILEGED_DIR:?}

reachable() {  # reachable PATH: can RUN_AS enter PATH (every directory on the way)?
    setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --clear-groups -- test -x "$1" 2>/dev/null
}

# --- hide libvirt ------------------------------------------------------------------------------
empty=$work/empty
: > "$empty"
chmod 0644 "$empty"
hidden=()
for path in /usr/bin/virsh /usr/bin/virt-admin $(command -v virsh virt-admin 2>/dev/null || true) \
        $(ldconfig -p | awk '$1 ~ /^libvirt/ {print $NF}'); do
    [[ -e $path ]] || continue
    real=$(readlink -f "$path")
    [[ " ${hidden[*]} " == *" $real "* ]] && continue
    mount --bind "$empty" "$real"
    hidden+=("$real")
done
for dir in "$ROOT/.cache/roots" ${ROOTFS_CACHE:+"$ROOTFS_CACHE"}; do
    if [[ -d $dir ]]; then
        mount -t tmpfs -o size=1m,mode=0755 tmpfs "$dir"
        hidden+=("$dir")
    fi
done
unset ROOTFS_CACHE
if "$PY" -c 'import shutil, sys; sys.exit(shutil.which("virsh") is None and shutil.which("virt-admin") is None)'; then
    die "virsh or virt-admin is still there"
fi
echo "tests/unprivileged.sh: hidden: ${hidden[*]:-nothing (libvirt is not installed)}"

# --- make the checkout and the Python reachable ------------------------------------------------
mapfile -t needed < <(
    readlink -f "$ROOT"
    "$PY" -c 'import os, sys; print(os.path.realpath(sys.prefix)); print(os.path.realpath(sys.base_prefix))')
mkdir "$work/stash"
for _ in 1 2 3 4 5 6 7 8; do
    blocked=
    for path in "${needed[@]}"; do
        reachable "$path" && continue
        dir=/
        for part in $(tr / ' ' <<<"${path#/}"); do
            dir=${dir%/}/$part
            if ! reachable "$dir"; then blocked=$dir; break; fi
        done
        [[ -n $blocked ]] && break
    done
    [[ -z $blocked ]] && break
    stash=$(mktemp -d "$work/stash/XXXXXX")
    mount --bind "$blocked" "$stash"
    mount -t tmpfs -o size=1m,mode=0755 tmpfs "$blocked"
    for path in "${needed[@]}"; do
        if [[ $path == "$blocked"/* ]]; then
            mkdir -p "$path"
            mount --bind "$stash/${path#"$blocked"/}" "$path"
        fi
    done
    echo "tests/unprivileged.sh: $blocked: only ${needed[*]} made reachable"
done
for path in "${needed[@]}"; do reachable "$path" || die "$RUN_AS cannot reach $path"; done

# --- run pytest as nobody ----------------------------------------------------------------------
home=$work/home
mkdir -p "$home"
chown "$RUN_AS:$(id -gn "$RUN_AS")" "$home"
workers=${PYTEST_WORKERS:-2}
cd "$ROOT"
[[ $# -gt 0 ]] || set -- tests/unit
echo "tests/unprivileged.sh: as $RUN_AS (no virsh, no libvirt): pytest -n $workers $*"
exec setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --clear-groups --no-new-privs -- \
    env -i "PATH=$(dirname "$PY"):/usr/bin:/bin" "HOME=$home" "TMPDIR=$home" LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 "ANSIBLE_REMOTE_TMP=$home/.ansible/tmp" "ANSIBLE_COLLECTIONS_PATH=$ROOT/.cache/collections" \
    "$PY" -m pytest -p no:cacheprovider -q -n "$workers" "$@"
