# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This documentation fragment is PRIVATE to the virtkit.libvirt_client collection: other
# collections must not use it.  It changes without notice or deprecation, in any release.


class ModuleDocFragment:

    # How a module reads, creates and backs up that file.
    DOCUMENTATION = r'''
options:
  follow:
    description:
      - In system scope or with O(path), edit the target of a symbolic link at the file's path rather than
        refusing it. User scope never follows links.
    type: bool
    default: true
  create:
    description:
      - Create a missing file and its missing directories. With V(false), a missing file is a failure.
      - A file is created only to hold something. Removing from a missing file (O(state=absent), O(uri_default=""),
        O(exclusive=true) with no O(aliases)) changes nothing and creates nothing, and check mode never creates a
        directory.
    type: bool
    default: true
  backup:
    description:
      - Keep a timestamped copy of the file before changing it.
    type: bool
    default: false
'''
