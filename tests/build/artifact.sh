# shellcheck shell=bash
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by tests/build/run.sh and tests/build/importer.sh (which define ROOT and die):
#   build_artifact DIR   builds the collection of $ROOT into DIR with ansible-galaxy; sets `version`
#                        (galaxy.yml's) and `tarball` (the artifact's path).

build_artifact() {
    version=$(sed -n 's/^version:[[:space:]]*//p' "$ROOT/galaxy.yml" | tr -d "\"'" | head -n1)
    [[ -n "$version" ]] || die "no version in galaxy.yml"
    echo "--- ansible-galaxy collection build"
    ansible-galaxy collection build "$ROOT" --output-path "$1"
    tarball=$1/virtkit-libvirt_client-$version.tar.gz
    [[ -f "$tarball" ]] || die "expected $tarball"
}
