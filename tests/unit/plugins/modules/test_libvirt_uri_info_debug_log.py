# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_uri_info's reading of virsh's debug log (verify_with_virsh): older wordings and unreadable output.

On real virsh output: tests/differential/test_libvirt_uri_info_debug_log_virsh.py.
"""

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_virsh_check import virsh_answer


def test_older_log_wording_and_nothing_to_read():
    older = ('2013-10-23 17:32:19.909+0000: 14069: debug : do_open:1127 : name "qemu+tls://hv/system" to URI '
             'components:\n  scheme qemu+tls\n')
    assert virsh_answer(older) == ('uri', 'qemu+tls://hv/system')
    assert virsh_answer('bash: no job control in this shell\n')[0] == 'unreadable'
