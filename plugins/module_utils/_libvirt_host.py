# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""What this host runs: the version of its libvirt.

Where libvirt versions differ (the parser's overflow check, a few URI
rules), the target's libvirt decides.  ``libvirt_version()`` asks the
library itself (``virGetVersion`` through ctypes), else ``virsh --version``,
once per process.  Imports nothing of the collection, and ctypes and
subprocess only when a version is asked for.
"""

_VERSION = []


def libvirt_version():
    """The version of the libvirt client library on this host, as (major, minor, micro), or None.

    Asked once per process, only when needed: from libvirt.so.0's
    virGetVersion (no daemon, no connection), else from ``virsh --version``.
    """
    if _VERSION:
        return _VERSION[0]
    # Imported here: only a file or URI where versions differ needs them.
    import ctypes
    import subprocess
    found = None
    try:
        lib = ctypes.CDLL('libvirt.so.0')
        number = ctypes.c_ulong()
        if lib.virGetVersion(ctypes.byref(number), None, None) == 0:
            found = (number.value // 1000000, number.value // 1000 % 1000, number.value % 1000)
    except (OSError, AttributeError):
        found = None
    if found is None:
        for virsh in ('/usr/bin/virsh', '/usr/local/bin/virsh'):
            try:
                # Shared by modules and controller plugins (the lookup), so no AnsibleModule.run_command here.
                out = subprocess.check_output(  # pylint: disable=ansible-bad-function
                    [virsh, '--version'], stderr=subprocess.DEVNULL, env={'PATH': '/usr/bin:/bin', 'LC_ALL': 'C'})
                found = tuple(int(part) for part in out.decode('ascii').strip().split('.')[:3])
                break
            except (OSError, ValueError, UnicodeDecodeError, subprocess.CalledProcessError):
                continue
    _VERSION.append(found)
    return found
