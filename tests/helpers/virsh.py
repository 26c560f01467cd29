# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What real virsh makes of a libvirt.conf: ``virsh [-c NAME] uri`` as ``nobody``, on this machine or in a root.

``virsh_uri(conf_path, name, env, oracle)`` runs the virsh of ``oracle`` (a
:class:`virsh_oracle.Oracle`; default this machine's) as the unprivileged user ``nobody``
with ``XDG_CONFIG_HOME`` pointing at the file's grandparent directory, so it reads exactly
that file, and returns ``(ok, text)``: the URI, or the message after 'error: '.
"""

import os

from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import oracle as get_oracle
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import uri_answer


def virsh_uri(conf_path, name=None, env=None, oracle=None):
    """(ok, text): virsh's answer for ``virsh [-c name] uri`` reading ``conf_path`` (DIR/libvirt/libvirt.conf).

    ``env`` adds variables to virsh's environment (PATH, HOME=/nonexistent, XDG_CONFIG_HOME,
    LIBVIRT_AUTOSTART=0); ``oracle`` is the libvirt asked (default: this machine's virsh).
    """
    conf_path = str(conf_path)
    assert os.path.basename(conf_path) == 'libvirt.conf', conf_path
    xdg = os.path.dirname(os.path.dirname(conf_path))
    full = dict(env or {}, PATH='/usr/bin:/bin', HOME='/nonexistent', XDG_CONFIG_HOME=xdg, LIBVIRT_AUTOSTART='0')
    args = ['-q'] + (['-c', name] if name is not None else []) + ['uri']
    return uri_answer((oracle or get_oracle('host')).run(args, full, user='nobody'))
