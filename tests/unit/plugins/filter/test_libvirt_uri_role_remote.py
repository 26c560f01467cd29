# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt_uri role's plan: remote_mode, remote_proxy and libvirt-admin.conf variables."""

from __future__ import annotations

from ansible_collections.virtkit.libvirt_client.plugins.filter.libvirt_uri_role import libvirt_uri_role_plan
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_update as engine


def plan(**variables):
    return libvirt_uri_role_plan(variables, 'lab1', {}, {})


def test_remote_settings_go_to_the_system_file_and_users_inherit_them_in_the_module():
    args = plan(libvirt_uri_remote_mode='legacy', libvirt_uri_remote_proxy='')['args']
    assert args['system'] == {'aliases': {}, 'exclusive': False, 'remote_mode': 'legacy', 'remote_proxy': ''}
    assert args['admin'] is None
    args = plan(libvirt_uri_users=[{'user': 'alice', 'remote_mode': 'direct'}])['args']
    assert args['system'] is None
    assert args['users'] == [{'user': 'alice', 'aliases': {}, 'remote_mode': 'direct'}]


def test_bad_remote_values_are_refused_with_the_modules_message():
    errors = plan(libvirt_uri_remote_mode='Legacy', libvirt_uri_remote_proxy=3,
                  libvirt_uri_users=[{'user': 'alice', 'remote_proxy': 'ssh'}])['errors']
    module_messages = []
    for key, value in (('remote_mode', 'Legacy'), ('remote_proxy', 3)):
        try:
            engine.check_spec(engine.new_spec(**{key: value}))
        except engine.Refusal as exc:
            module_messages.append(str(exc))
    assert errors == [
        'lab1: libvirt_uri_remote_mode: ' + module_messages[0],
        'lab1: libvirt_uri_remote_proxy: ' + module_messages[1],
        "lab1: libvirt_uri_users[0].remote_proxy: remote_proxy 'ssh' is refused: Unnkown proxy type 'ssh'"
        ' (remote_proxy must be one of auto, netcat, native)',
    ]
    assert module_messages[0] == ("remote_mode 'Legacy' is refused: Unknown remote mode 'Legacy' (remote_mode must"
                                  ' be one of auto, legacy, direct)')


def test_aliases_are_checked_with_the_remote_settings_the_files_will_hold():
    ssh = {'far': 'qemu+ssh://root@127.0.0.1/system'}
    assert plan(libvirt_uri_aliases=ssh)['errors'] == []
    errors = plan(libvirt_uri_aliases=ssh, libvirt_uri_remote_mode='direct')['errors']
    assert len(errors) == 1 and errors[0].startswith("lab1: libvirt_uri_aliases.far: the URI of alias 'far'")
    assert 'Cannot use direct socket mode for ssh transport' in errors[0]
    # Inherited by a user's file, and a user's own setting counts for its own aliases.
    errors = plan(libvirt_uri_remote_mode='direct', libvirt_uri_users=[{'user': 'alice', 'aliases': ssh}])['errors']
    assert len(errors) == 1 and errors[0].startswith('lab1: libvirt_uri_users[0].aliases.far: ')
    assert plan(libvirt_uri_remote_mode='direct', libvirt_uri_users=[
        {'user': 'alice', 'aliases': ssh, 'remote_mode': 'legacy'}])['errors'] == []
    assert plan(libvirt_uri_remote_mode='direct', libvirt_uri_users_inherit=False, libvirt_uri_users=[
        {'user': 'alice', 'aliases': ssh}])['errors'] == []
    # A session URI with netcat= is refused for a user (native proxy), not for root, unless remote_proxy says so.
    nc = {'nc': 'qemu+ssh://u@127.0.0.1/session?netcat=nc'}
    assert plan(libvirt_uri_aliases=nc)['errors'] == []
    assert 'netcat path not valid with native proxy mode' in plan(
        libvirt_uri_users=[{'user': 'alice', 'aliases': nc}])['errors'][0]
    assert plan(libvirt_uri_remote_proxy='netcat', libvirt_uri_users=[{'user': 'alice', 'aliases': nc}])['errors'] \
        == []


def test_admin_aliases_and_default():
    args = plan(libvirt_uri_admin_aliases={'qemud': 'virtqemud:///system'}, libvirt_uri_admin_default='qemud')['args']
    assert args['admin'] == {'aliases': {'qemud': 'virtqemud:///system'}, 'exclusive': False, 'uri_default': 'qemud'}
    assert args['system'] is None
    assert plan(libvirt_uri_admin_default='')['args']['admin'] == {'aliases': {}, 'exclusive': False,
                                                                   'uri_default': ''}
    errors = plan(libvirt_uri_admin_aliases={'q': 'qemu:///system'}, libvirt_uri_admin_default='test:///default')[
        'errors']
    assert errors == [
        "lab1: libvirt_uri_admin_aliases.q: the URI of alias 'q' 'qemu:///system' is refused: Unsupported URI scheme"
        " 'qemu' (URI 'qemu:///system': an admin URI names a daemon, libvirtd or virt... such as virtqemud,"
        ' virtproxyd, virtlogd)',
        "lab1: libvirt_uri_admin_default: uri_default 'test:///default' is refused: Unsupported URI scheme 'test'"
        " (URI 'test:///default': an admin URI names a daemon, libvirtd or virt... such as virtqemud, virtproxyd,"
        ' virtlogd)']
