# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_uri_info's reading of virsh's debug log (verify_with_virsh), on real virsh output.

virsh runs as nobody in a network namespace of its own.  The reading of other texts:
tests/unit/plugins/modules/test_libvirt_uri_info_debug_log.py.
"""

import os
import shutil
import subprocess
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_virsh_check import virsh_answer


VIRSH = shutil.which('virsh')
ALIASES = 'uri_aliases = [\n  "hv1=qemu+ssh://root@192.0.2.1/system?no_verify=1",\n  "bad name=test:///default",\n]\n'


def run_virsh(*args):
    """virsh ARGS as nobody, with its debug log on stderr, in a network namespace, with ALIASES."""
    assert VIRSH, 'virsh is missing: run `make deps`'
    base = tempfile.mkdtemp(prefix='vk-unit.')
    try:
        os.chmod(base, 0o755)
        os.makedirs(os.path.join(base, 'libvirt'), 0o755)
        with open(os.path.join(base, 'libvirt', 'libvirt.conf'), 'w') as f:
            f.write(ALIASES)
        os.chmod(os.path.join(base, 'libvirt', 'libvirt.conf'), 0o644)
        os.makedirs(os.path.join(base, 'bin'), 0o755)
        ssh = os.path.join(base, 'bin', 'ssh')
        with open(ssh, 'w') as f:
            f.write('#!/bin/sh\nexit 255\n')
        os.chmod(ssh, 0o755)
        command = ['unshare', '--net', '--', 'runuser', '-u', 'nobody', '--', 'env', '-i',
                   'PATH=%s:/usr/bin:/bin' % os.path.join(base, 'bin'), 'HOME=/nonexistent',
                   'XDG_CONFIG_HOME=' + base, 'LIBVIRT_AUTOSTART=0', 'LIBVIRT_DEBUG=1',
                   'LIBVIRT_LOG_FILTERS=1:libvirt 4:*', 'LIBVIRT_LOG_OUTPUTS=1:stderr', VIRSH, '-q'] + list(args)
        proc = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        return proc.stdout + proc.stderr
    finally:
        shutil.rmtree(base)


@pytest.mark.parametrize('args, expected', [
    (['-c', 'hv1', 'uri'], ('uri', 'qemu+ssh://root@192.0.2.1/system?no_verify=1')),
    (['-c', 'test:///default?x=1', 'uri'], ('error', "configuration file syntax error: Malformed 'uri_aliases' "
                                                     "config entry 'bad name=test:///default', aliases may only "
                                                     "contain 'a-Z, 0-9, _, -'")),
    (['uri'], ('probe', None)),
])
def test_real_virsh_debug_log(args, expected):
    assert virsh_answer(run_virsh(*args)) == expected
