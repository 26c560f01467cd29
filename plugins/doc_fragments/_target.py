# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This documentation fragment is PRIVATE to the virtkit.libvirt_client collection: other
# collections must not use it.  It changes without notice or deprecation, in any release.


class ModuleDocFragment:

    # Which libvirt client configuration file a module works on.
    DOCUMENTATION = r'''
options:
  scope:
    description:
      - V(system) edits C(/etc/libvirt/libvirt.conf), the file libvirt reads for root.
      - V(user) edits the file libvirt reads for O(user), C($XDG_CONFIG_HOME/libvirt/libvirt.conf). For root
        (uid 0) that is the system file, as libvirt reads C(/etc/libvirt/libvirt.conf) when the effective uid is 0
        and never root's C(~/.config/libvirt/libvirt.conf); RV(scope) then says V(system).
      - Ignored when O(path) is given.
    type: str
    choices: [system, user]
    default: system
  user:
    description:
      - With O(scope=user), the user whose file is edited (a name or uid). Defaults to the user the connection
        logged in as (C(SUDO_USER) when the module runs under sudo), else the user the module runs as.
      - Directories below the user's home are never followed through symbolic links and must belong to the user;
        the file must be a regular file of that user with one link. New directories get mode C(0700) and new
        files C(0644) (or O(mode)), owned by the user.
      - In this scope O(owner), O(group), O(mode) and the backup are applied through the opened directory, never
        through a path; O(attributes), O(seuser), O(serole), O(setype) and O(selevel) are refused.
    type: str
  xdg_config_home:
    description:
      - With O(scope=user), the user's C(XDG_CONFIG_HOME), an absolute path inside the user's home.
      - Default the one the user's login sets (pam_env's files, C(/etc/environment), C(/etc/profile) and
        C(/etc/profile.d), the user's dotfiles and the files they source, read as the user the way
        M(virtkit.libvirt_client.libvirt_uri_info) reads them), else C(~/.config). A login that sets it outside the
        home, or in a way that cannot be told (computed, conditional, relative), makes the module fail with the
        reason and leave the file untouched; give this option to choose the file. RV(config_home) says which
        applied.
    type: path
  path:
    description:
      - Edit this file instead, for images, chroots and tests. Takes precedence over O(scope).
    type: path
'''
