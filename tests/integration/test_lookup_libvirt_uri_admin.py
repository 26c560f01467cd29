# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt_uri lookup with admin=true (libvirt-admin.conf), checked against real virt-admin as root."""

import os

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import run_play

from ansible_collections.virtkit.libvirt_client.tests.helpers.libvirt_oracle import LibvirtOracle

LOOKUP = 'virtkit.libvirt_client.libvirt_uri'
CONF = ('uri_default = "q"\n'
        'uri_aliases = [ "q=virtqemud:///system", "s=virtlogd:///session", "=virtproxyd:///system",\n'
        '                "bad=qemu:///system" ]\n')
ENV = {'XDG_RUNTIME_DIR': '/nonexistent/xr', 'LIBVIRT_ADMIN_DEFAULT_URI': ''}


def debug(expression, name):
    return {'name': name, 'ansible.builtin.debug': {'msg': '{{ %s }}' % expression}, 'ignore_errors': True}


def test_admin_lookup_matches_virt_admin(tmp_path):
    if os.geteuid() != 0:
        raise AssertionError('run as root (make test does): virt-admin reads /etc/libvirt only for root')
    conf = tmp_path / 'libvirt-admin.conf'
    conf.write_text(CONF)
    names = ['s', '', 'libvirtd:///session', 'virtqemud+ssh://127.0.0.1:5/system', 'xx?socket=/nonexistent/s']
    results = run_play([
        debug("query('%s', config=conf, admin=true, details=true)" % LOOKUP, 'default'),
        debug("query('%s', *names, config=conf, admin=true, details=true)" % LOOKUP, 'names'),
        debug("query('%s', *names, config=conf, admin=true)" % LOOKUP, 'uris'),
        debug("lookup('%s', 'bad', config=conf, admin=true)" % LOOKUP, 'refused'),
        debug("lookup('%s', 'foo', config=conf, admin=true)" % LOOKUP, 'no scheme'),
    ], play_vars={'conf': str(conf), 'names': names}, extra_env=ENV)
    by_name = {result['_task']: result for result in results}
    oracle = LibvirtOracle('host')
    found, _home = oracle.admin_connect_many([None] + names + ['bad', 'foo'], CONF, as_root=True, env=ENV)
    sockets = [text[len("Failed to connect socket to '"):text.rindex("': ")] for _ok, text in found[:-2]]
    assert by_name['default']['msg'] == [{'uri': 'virtqemud:///system', 'socket': sockets[0]}]
    assert sockets[0] == '/run/libvirt/virtqemud-admin-sock'
    assert [item['socket'] for item in by_name['names']['msg']] == sockets[1:]
    assert sockets[1:3] == ['/nonexistent/xr/libvirt/virtlogd-admin-sock', '/run/libvirt/virtproxyd-admin-sock']
    assert by_name['uris']['msg'] == ['virtlogd:///session', 'virtproxyd:///system', 'libvirtd:///session',
                                      'virtqemud+ssh://127.0.0.1:5/system', 'xx?socket=/nonexistent/s']
    assert found[-2][1] == "unsupported configuration: Unsupported URI scheme 'qemu'"
    assert by_name['refused']['failed'] is True
    assert "libvirt_uri (admin): cannot resolve 'bad': " + found[-2][1] in by_name['refused']['msg']
    assert found[-1][1] == 'unsupported configuration: No URI scheme specified'
    assert found[-1][1] in by_name['no scheme']['msg']
