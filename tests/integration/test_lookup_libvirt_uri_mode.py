# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt_uri lookup's details=true: the effective remote mode, checked against libvirt's own log."""

import os
import re
import subprocess

from ansible_collections.virtkit.libvirt_client.tests.helpers.files import write
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import VIRSH, run_play
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri

LOOKUP = 'virtkit.libvirt_client.libvirt_uri'
MODE_LOG = re.compile(r'Choosing remote socket for transport=\S+ mode=(\S+) ')


def debug(expression, name):
    return {'name': name, 'ansible.builtin.debug': {'msg': '{{ %s }}' % expression}, 'ignore_errors': True}


def logged_mode(conf_path, name):
    """The mode libvirt's remote driver logs when it picks a socket for ``virsh -c name``."""
    xdg = os.path.dirname(os.path.dirname(conf_path))
    cmd = ['runuser', '-u', 'nobody', '--', 'env', '-i', 'PATH=/usr/bin:/bin', 'HOME=/nonexistent',
           'XDG_CONFIG_HOME=' + xdg, 'LIBVIRT_AUTOSTART=0', 'LIBVIRT_LOG_FILTERS=1:remote.remote_sockets',
           'LIBVIRT_LOG_OUTPUTS=1:stderr', VIRSH, '-q', '-c', name, 'uri']
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    return MODE_LOG.findall(proc.stderr)


ALIASES = {
    'plain': 'qemu+ssh://127.0.0.1:1/system?command=/bin/false',
    'own': 'qemu+ssh://[::1]:1/system?command=/bin/false&mode=auto',
    'local': 'qemu:///system',
    'test': 'test:///default',
}


def test_details_report_the_effective_mode(conf):
    write(conf, 'remote_mode = "legacy"\nuri_aliases = [\n%s\n]\n'
          % ',\n'.join('  "%s=%s"' % item for item in ALIASES.items()))
    names = list(ALIASES)
    results = run_play([debug("query('%s', *names, config=conf, details=true)" % LOOKUP, 'details'),
                        debug("query('%s', *names, config=conf)" % LOOKUP, 'plain')],
                       play_vars={'conf': str(conf), 'names': names}, extra_env={'LIBVIRT_DEFAULT_URI': ''})
    details, plain = results
    assert not details.get('failed'), details
    assert plain['msg'] == [ALIASES[name] for name in names]
    assert details['msg'] == [{'uri': ALIASES['plain'], 'mode': 'legacy'},
                              {'uri': ALIASES['own'], 'mode': 'auto'},
                              {'uri': ALIASES['local'], 'mode': 'legacy'},
                              {'uri': ALIASES['test'], 'mode': None}]
    # libvirt agrees: the mode it logs for the names that reach the remote driver's socket choice.
    assert logged_mode(str(conf), 'plain') == ['legacy']
    assert logged_mode(str(conf), 'own') == ['auto']
    assert logged_mode(str(conf), 'local') == ['legacy']
    assert logged_mode(str(conf), 'test') == []


def test_details_fail_like_libvirt_on_a_remote_mode_that_is_not_a_string(conf):
    write(conf, 'remote_mode = 1\nuri_aliases = [ "plain=%s", "own=%s", "test=test:///default" ]\n'
          % (ALIASES['plain'], ALIASES['own']))
    results = run_play([debug("lookup('%s', 'plain', config=conf, details=true)" % LOOKUP, 'needs it'),
                        debug("query('%s', 'own', 'test', config=conf, details=true)" % LOOKUP, 'does not')],
                       play_vars={'conf': str(conf)}, extra_env={'LIBVIRT_DEFAULT_URI': ''})
    needs, does_not = results
    ok, message = virsh_uri(str(conf), 'plain')
    assert not ok and message == "internal error: %s: expected a string for 'remote_mode' parameter" % conf
    assert needs['failed'] is True and message in needs['msg'], needs['msg']
    assert "libvirt_uri: cannot tell the mode of 'plain'" in needs['msg']
    assert does_not['msg'] == [{'uri': ALIASES['own'], 'mode': 'auto'}, {'uri': 'test:///default', 'mode': None}]
    assert virsh_uri(str(conf), 'test') == (True, 'test:///default')
