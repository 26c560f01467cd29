# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""check_connections' naming of failures, from the messages libvirt 9.0 and 11.3 print (copied from real runs
against the fleet of tests/fleet, see tests/integration/test_connect_check.py), and what it does not try."""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_connect_check import (
    CAUSES,
    _connections_of,
    _not_tried,
    cause_of,
    virsh_error,
)

MISMATCH = """Cannot recv data: @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
Host key for [127.0.1.1]:24322 has changed and you have requested strict checking.
Host key verification failed.: Connection reset by peer"""

REAL = [
    ('host_key_unknown', 'Cannot recv data: Host key verification failed.: Connection reset by peer'),
    ('host_key_mismatch', MISMATCH),
    ('auth_failed', 'Cannot recv data: root@127.0.1.1: Permission denied (publickey).: Connection reset by peer'),
    ('auth_failed', 'Cannot recv data: Warning: Identity file /k not accessible: No such file or directory.\n'
                    'root@127.0.1.4: Permission denied (publickey).: Connection reset by peer'),
    ('unreachable', 'Cannot recv data: ssh: connect to host 127.0.1.1 port 1: Connection refused: '
                    'Connection reset by peer'),
    ('unreachable', 'Cannot recv data: ssh: Could not resolve hostname nosuch.invalid: Name or service not known: '
                    'Connection reset by peer'),
    ('timeout', 'Cannot recv data: Connection timed out during banner exchange\r\n'
                'Connection to 127.0.0.1 port 40000 timed out: Connection reset by peer'),
    ('no_daemon', "End of file while reading data: virt-ssh-helper: cannot connect to '/var/run/libvirt/libvirt-sock': "
                  "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory: "
                  "Input/output error"),
    ('no_daemon', 'End of file while reading data: nc: /var/run/libvirt/libvirt-sock: No such file or directory: '
                  'Input/output error'),
    ('no_daemon', "Failed to connect socket to '/run/user/1000/libvirt/libvirt-sock': No such file or directory"),
    ('no_helper', 'End of file while reading data: sh: 1: nc: not found: Input/output error'),
    ('no_helper', 'End of file while reading data: sh: 1: virt-ssh-helper: not found: Input/output error'),
    ('uri_refused', 'internal error: invalid URI qemu://system (maybe you want qemu:///system)'),
    ('uri_refused', "invalid argument: Unnkown proxy type 'bogus'"),
    ('uri_refused', "invalid argument: using unix socket and remote server '127.0.1.1' is not supported."),
    ('other', 'something nobody has seen'),
]


@pytest.mark.parametrize('cause, message', REAL)
def test_cause_of_real_messages(cause, message):
    assert cause in CAUSES
    assert cause_of(message) == cause


def test_a_kill_by_the_timeout_is_a_timeout_whatever_was_printed():
    assert cause_of(None, timed_out=True) == 'timeout'
    assert cause_of('Cannot recv data: Host key verification failed.', timed_out=True) == 'timeout'


def test_virsh_error_drops_the_login_noise_and_virshs_own_line():
    stderr = ('bash: cannot set terminal process group (7244): Inappropriate ioctl for device\n'
              'bash: no job control in this shell\n'
              'error: failed to connect to the hypervisor\n'
              'error: Cannot recv data: @@@\n@ WARNING @\nHost key verification failed.: Connection reset by peer\n')
    assert virsh_error(stderr) == ('Cannot recv data: @@@\n@ WARNING @\nHost key verification failed.: '
                                   'Connection reset by peer')
    assert virsh_error('') is None


@pytest.mark.parametrize('uri, tried', [
    ('qemu+ssh://root@h/system?no_verify=1', True),
    ('qemu+ssh://root@h/system?command=ssh', True),
    ('qemu+ssh://root@h/system?command=/usr/bin/ssh', False),
    ('qemu+ext:///system?command=/opt/connect', False),
    ('qemu+libssh://root@h/system?known_hosts_verify=auto', False),
    ('qemu+libssh2://root@h/system?known_hosts_verify=normal', True),
    ('qemu:///system', True),
    ('qemu://system', True),
    (None, True),
])
def test_what_is_not_tried(uri, tried):
    assert (_not_tried(uri) is None) == tried


def test_connections_of_each_alias_once_then_the_default():
    config = {
        'aliases': [{'name': 'a', 'uri': 'test:///default'}, {'name': 'b', 'uri': 'x'}, {'name': 'a', 'uri': 'y'}],
        'resolutions': {'a': {'uri': 'test:///default'}, 'b': {'error': 'Malformed'}},
        'effective': {'uri': 'qemu:///session'},
        'default_uri': {'uri': None, 'source': 'probe'},
    }
    assert _connections_of(config) == [('a', 'test:///default'), ('b', None), (None, 'qemu:///session')]
