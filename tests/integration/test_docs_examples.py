# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The user guide's examples: shown verbatim, and every one of them run.

Pages (``docs/*.md``) show playbooks only as copies of files under
``docs/examples/``: a fenced ``yaml`` block is preceded by a marker line
``<!-- example: examples/NAME.yml -->`` and its text must appear verbatim in
that file.  A ``yaml`` block without a marker is an error, so no example
can drift away from the files that are tested.

Every ``docs/examples/*.yml`` playbook is run with ``ansible-playbook``; none
is only syntax-checked:

- the plays on ``localhost`` take the file to edit from the play variable
  ``libvirt_conf``; the tests override it with ``-e`` so that they work on a
  temporary ``DIR/libvirt/libvirt.conf``, never on ``/etc`` or ``~/.config``;
- the fleet plays (hosts from ``docs/examples/inventory/hosts.yml``, the
  role, or the module without ``path``) run unchanged against that
  inventory with ``ansible_connection=local``, one inventory host at a time
  (``--limit``), each in a private mount namespace of its own
  (``PrivateHost`` of tests/helpers/playbook.py) where /etc/libvirt, /home and the
  accounts are that host's, so the real /etc/libvirt/libvirt.conf and the
  users' own files are written, never the machine's.

Results are checked as bytes of the written files, the values the plays
print, and the answers of real ``virsh`` through ``virsh_uri`` of tests/helpers/virsh.py.
The aliases of the fleet examples point at ``qemu+ssh://`` hosts that do not
exist, so for those virsh is asked for ``test:///default``, which makes it
read the file and walk every alias entry without connecting anywhere.
"""

import functools
import glob
import json
import os
import re
import sys

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers import files
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import INTEGRATION, PrivateHost, playbook_env, run_playbook
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri

REPO_ROOT = os.path.dirname(os.path.dirname(INTEGRATION))
DOCS = os.path.join(REPO_ROOT, 'docs')
EXAMPLES = os.path.join(DOCS, 'examples')
INVENTORY = os.path.join(EXAMPLES, 'inventory', 'hosts.yml')

# Pages that belong to the user guide (the others have owners of their own).
GUIDE_PAGES = ['index.md', 'getting-started.md', 'how-libvirt-picks-a-uri.md', 'fleet-patterns.md',
               'migrating.md', 'troubleshooting.md']

# Every playbook under docs/examples/, split by how it runs.
LOCAL_EXAMPLES = ['getting-started.yml', 'resolve-names.yml', 'migrate-lineinfile-breakage.yml',
                  'troubleshoot-malformed.yml', 'troubleshoot-audit.yml']
# Run by tests/integration/test_libvirt_uri_info_env.py (it needs a private mount namespace).
NAMESPACE_EXAMPLES = ['troubleshoot-wrong-place.yml']
FLEET_EXAMPLES = ['fleet-one-default.yml', 'fleet-per-group.yml', 'fleet-mesh.yml', 'fleet-per-user.yml',
                  'fleet-every-account.yml', 'fleet-remote-mode.yml',
                  'migrate-to-module.yml']

HAIL = 'qemu+ssh://root@hail.cloud.example.com/system'
SLEET = 'qemu+ssh://root@sleet.cloud.example.com/system'
RAIN = 'qemu+ssh://root@rain.lab.example.com/system'

MARKER = re.compile(r'^<!-- example: (examples/[^ ]+) -->$')
FENCE = re.compile(r'^```(\S*)\s*$')


# -- the pages ----------------------------------------------------------------

def _blocks(page):
    """[(line number, language, marker target or None, text)] of the fenced blocks of a page."""
    with open(os.path.join(DOCS, page)) as f:
        lines = f.read().split('\n')
    blocks = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start = i
        end = i + 1
        while end < len(lines) and lines[end] != '```':
            end += 1
        assert end < len(lines), '%s:%d: fenced block is not closed' % (page, start + 1)
        marker = MARKER.match(lines[start - 1]) if start > 0 else None
        blocks.append((start + 1, match.group(1), marker.group(1) if marker else None,
                       '\n'.join(lines[start + 1:end]) + '\n'))
        i = end + 1
    return blocks


def _example_files():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(EXAMPLES, '*.yml')))


def test_guide_pages_exist():
    for page in GUIDE_PAGES:
        assert os.path.isfile(os.path.join(DOCS, page)), page


@pytest.mark.parametrize('page', GUIDE_PAGES)
def test_yaml_blocks_are_verbatim_copies_of_example_files(page):
    """Each yaml block is marked and appears verbatim in the file its marker names."""
    for line, language, target, text in _blocks(page):
        if language not in ('yaml', 'yml'):
            assert target is None, '%s:%d: only yaml blocks can be examples' % (page, line)
            continue
        assert target is not None, '%s:%d: yaml block without an <!-- example: examples/... --> marker' % (page, line)
        path = os.path.join(DOCS, target)
        assert os.path.isfile(path), '%s:%d: %s does not exist' % (page, line, target)
        with open(path) as f:
            assert text in f.read(), '%s:%d: the block differs from %s' % (page, line, target)


def test_every_example_file_is_shown_or_linked():
    text = ''
    for page in GUIDE_PAGES:
        with open(os.path.join(DOCS, page)) as f:
            text += f.read()
    examples = [os.path.relpath(p, DOCS) for p in glob.glob(os.path.join(EXAMPLES, '**', '*.yml'), recursive=True)]
    for example in sorted(examples):
        assert example in text, '%s is neither shown nor linked from a guide page' % example


def test_every_local_page_link_exists():
    for page in GUIDE_PAGES:
        with open(os.path.join(DOCS, page)) as f:
            text = f.read()
        for target in re.findall(r'\]\(([^)#:]+)(?:#[^)]*)?\)', text):
            assert os.path.exists(os.path.normpath(os.path.join(DOCS, target))), '%s links to %s' % (page, target)


def test_every_example_playbook_is_run_here():
    """A new example must be added to one of the lists (and get a test) below."""
    assert sorted(LOCAL_EXAMPLES + FLEET_EXAMPLES + NAMESPACE_EXAMPLES) == _example_files()


# -- running the playbooks ------------------------------------------------------

def _env():
    env = playbook_env({'ANSIBLE_HOST_KEY_CHECKING': '0'})
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_INVENTORY'):
        env.pop(name, None)
    return env


def _playbook(playbook, extra_vars, inventory=None, args=(), wrapper=()):
    """Run a playbook; returns (rc, [task results]) from the results_json callback."""
    cmd = ['-e', json.dumps(dict(extra_vars, ansible_python_interpreter=sys.executable)),
           '-i', inventory or 'localhost,'] + list(args)
    return run_playbook(playbook, cmd, env=_env(), wrapper=wrapper, cwd=os.path.dirname(playbook))


def run_local(name, conf, args=()):
    """Run docs/examples/NAME on localhost with libvirt_conf=conf; returns the task results."""
    rc, results = _playbook(os.path.join(EXAMPLES, name), {'libvirt_conf': str(conf)}, args=args)
    assert rc == 0, json.dumps(results, indent=1)
    return results


FLEET_ACCOUNTS = {'alice': 2911, 'bob': 2912}
ALL_HOSTS = ['hail', 'sleet', 'rain', 'jump-cloud', 'jump-lab', 'desk1']


FLEET_GROUPS = {'libvirt': (2990, ['alice'])}


@pytest.fixture
def fleet(world_tmp):
    """One PrivateHost per host of the docs' inventory, each with the accounts alice and bob (alice in libvirt)."""
    return dict((host, PrivateHost(os.path.join(str(world_tmp), host), accounts=FLEET_ACCOUNTS,
                                   members=FLEET_GROUPS))
                for host in ALL_HOSTS)


def run_fleet(name, fleet, args=()):
    """Run docs/examples/NAME against the docs' inventory, each host in its own namespace."""
    results = []
    for host in ALL_HOSTS:
        rc, found = _playbook(os.path.join(EXAMPLES, name), {'ansible_connection': 'local'}, inventory=INVENTORY,
                              args=list(args) + ['--limit', host], wrapper=fleet[host].wrapper())
        assert rc == 0, json.dumps(found, indent=1)
        results.extend(found)
    return results


def fleet_conf(fleet, host, user='system', xdg=None):
    if user == 'system':
        return fleet[host].system_conf
    return fleet[host].user_conf(user, xdg)


read = files.read
# The examples' files, with their directories.
write = functools.partial(files.write, parents=True)


def task(results, name, host='localhost'):
    found = [r for r in results if r['_task'] == name and r['_host'] == host]
    assert len(found) == 1, (name, host, results)
    return found[0]


def module_results(results):
    """The file results of the module runs (libvirt_uri_accounts' files, or libvirt_uri_alias results)."""
    out = []
    for r in results:
        if isinstance(r.get('files'), list) and 'unsafe' in r:
            out.extend(r['files'])
        elif 'malformed' in r and 'path' in r:
            out.append(r)
    return out


# -- getting started -------------------------------------------------------------

GETTING_STARTED = 'uri_aliases = [\n  "hail=%s",\n  "sleet=%s",\n]\nuri_default = "hail"\n' % (HAIL, SLEET)


def test_getting_started_on_a_new_file(conf):
    results = run_local('getting-started.yml', conf)
    assert read(conf) == GETTING_STARTED
    assert task(results, 'Add the aliases and make hail the default')['changed'] is True
    assert task(results, 'Show what the file now says')['msg'] == [
        'changed: True', 'aliases: hail, sleet', 'uri_default: hail']
    assert task(results, 'Show where plain virsh and virsh -c sleet now connect')['msg'] == [
        'virsh: ' + HAIL, 'virsh -c sleet: ' + SLEET]
    # libvirt accepts the file and every alias entry in it.
    assert virsh_uri(str(conf), 'test:///default') == (True, 'test:///default')

    again = run_local('getting-started.yml', conf)
    assert task(again, 'Add the aliases and make hail the default')['changed'] is False
    assert read(conf) == GETTING_STARTED


def test_getting_started_keeps_the_rest_of_an_existing_file(conf):
    original = ('# Local settings\nremote_mode = "legacy"\n\nuri_aliases = [\n'
                '    "lab=test:///default",\n]\n#uri_default = "qemu:///system"\n')
    write(conf, original)
    run_local('getting-started.yml', conf)
    assert read(conf) == ('# Local settings\nremote_mode = "legacy"\n\nuri_aliases = [\n'
                          '    "lab=test:///default",\n    "hail=%s",\n    "sleet=%s",\n]\n'
                          '#uri_default = "qemu:///system"\nuri_default = "hail"\n' % (HAIL, SLEET))
    assert virsh_uri(str(conf), 'lab') == (True, 'test:///default')


def test_getting_started_check_mode_writes_nothing(conf):
    results = run_local('getting-started.yml', conf, args=['--check', '--diff'])
    edit = task(results, 'Add the aliases and make hail the default')
    assert edit['changed'] is True
    diff = edit['diff'][0] if isinstance(edit['diff'], list) else edit['diff']
    assert (diff['before'], diff['after']) == ('', GETTING_STARTED)
    assert not os.path.exists(str(conf))


# -- how libvirt picks a URI -------------------------------------------------------

def test_resolve_names(conf):
    results = run_local('resolve-names.yml', conf)
    assert read(conf) == 'uri_aliases = [\n  "hail=%s",\n  "scratch=test:///default",\n]\n' \
                         'uri_default = "scratch"\n' % HAIL
    assert task(results, 'Show each name and what libvirt connects to')['msg'] == [
        'hail -> ' + HAIL,
        'test:///default -> test:///default',
        'xen -> xen:///system',
        '(no name) -> test:///default',
    ]
    assert task(results, "Read the host and transport behind hail, and build its libssh2 twin")['msg'] == [
        'host: hail.cloud.example.com', 'transport: ssh',
        'libssh2: qemu+libssh2://root@hail.cloud.example.com/system']
    # What the lookup said, virsh says too.
    assert virsh_uri(str(conf)) == (True, 'test:///default')
    assert virsh_uri(str(conf), 'scratch') == (True, 'test:///default')
    assert virsh_uri(str(conf), 'test:///default') == (True, 'test:///default')
    # LIBVIRT_DEFAULT_URI beats uri_default, and goes through the aliases too.
    assert virsh_uri(str(conf), env={'LIBVIRT_DEFAULT_URI': 'test:///default?from=env'}) == \
        (True, 'test:///default?from=env')


# -- fleet patterns ----------------------------------------------------------------

ONE_DEFAULT = 'uri_aliases = [\n  "hail=%s",\n  "sleet=%s",\n]\nuri_default = "hail"\n' % (HAIL, SLEET)


def test_fleet_one_default(fleet):
    results = run_fleet('fleet-one-default.yml', fleet)
    runs = module_results(results)
    assert [(r['scope'], r['path']) for r in runs] == [('system', '/etc/libvirt/libvirt.conf')] * len(ALL_HOSTS)
    assert all(r['changed'] for r in runs)
    for host in ALL_HOSTS:
        assert read(fleet_conf(fleet, host)) == ONE_DEFAULT, host
        assert fleet[host].virsh('root', 'test:///default') == 'test:///default'
    # Play variables win over group_vars/, so the bastions get the same file; no user was asked for.
    assert not os.path.exists(os.path.join(fleet['desk1'].home('alice'), '.config'))

    again = module_results(run_fleet('fleet-one-default.yml', fleet))
    assert len(again) == len(ALL_HOSTS) and not any(r['changed'] for r in again)


def test_fleet_per_group(fleet):
    run_fleet('fleet-per-group.yml', fleet)
    assert [h for h in ALL_HOSTS if os.path.exists(fleet_conf(fleet, h))] == ['jump-cloud', 'jump-lab']
    assert read(fleet_conf(fleet, 'jump-cloud')) == ONE_DEFAULT
    assert read(fleet_conf(fleet, 'jump-lab')) == \
        'uri_aliases = [\n  "rain=%s",\n]\nuri_default = "rain"\n' % RAIN
    assert fleet['jump-cloud'].virsh('root', 'test:///default') == 'test:///default'
    assert fleet['jump-lab'].virsh('root', 'test:///default') == 'test:///default'


def test_fleet_mesh_drops_hosts_that_left(fleet):
    # rain was configured by hand once, with an alias of a hypervisor since retired.
    write(fleet_conf(fleet, 'rain'), '# rain\nuri_aliases = [ "hail=%s", "old=qemu+ssh://root@old/system" ]\n'
          % HAIL)
    run_fleet('fleet-mesh.yml', fleet)
    assert [h for h in ALL_HOSTS if os.path.exists(fleet_conf(fleet, h))] == ['hail', 'sleet', 'rain']
    mesh = '  "hail=%s",\n  "sleet=%s",\n  "rain=%s",\n' % (HAIL, SLEET, RAIN)
    for host in ('hail', 'sleet'):
        assert read(fleet_conf(fleet, host)) == 'uri_aliases = [\n%s]\n' % mesh
    assert read(fleet_conf(fleet, 'rain')) == \
        '# rain\nuri_aliases = [ "hail=%s", "sleet=%s", "rain=%s" ]\n' % (HAIL, SLEET, RAIN)
    for host in ('hail', 'sleet', 'rain'):
        assert fleet[host].virsh('root', 'test:///default') == 'test:///default'


def test_fleet_per_user(fleet):
    results = run_fleet('fleet-per-user.yml', fleet)
    runs = module_results(results)
    assert [(r['scope'], r['user']) for r in runs] == [('user', 'alice'), ('user', 'bob')]
    assert read(fleet_conf(fleet, 'desk1', 'alice')) == \
        'uri_aliases = [\n  "hail=qemu+ssh://alice@hail.cloud.example.com/system",\n]\n' \
        'uri_default = "qemu:///session"\n'
    assert read(fleet_conf(fleet, 'desk1', 'bob', '/home/bob/.xdg')) == \
        'uri_aliases = [\n  "lab=qemu+ssh://bob@rain.lab.example.com/system",\n]\nuri_default = "lab"\n'
    assert fleet['desk1'].virsh('alice', 'test:///default') == 'test:///default'
    assert fleet['desk1'].virsh('bob', 'lab', env={'XDG_CONFIG_HOME': '/home/bob/.xdg'}).startswith('error: ')
    assert fleet['desk1'].virsh('bob', 'test:///default', env={'XDG_CONFIG_HOME': '/home/bob/.xdg'}) == \
        'test:///default'
    # Only desk1 is a workstation.
    assert [h for h in ALL_HOSTS if os.listdir(fleet[h].home('alice'))] == ['desk1']


def test_fleet_every_account(fleet):
    results = run_fleet('fleet-every-account.yml', fleet)
    runs = module_results(results)
    hypervisors = ['hail', 'sleet', 'rain']
    assert [(r['scope'], r['user']) for r in runs] == [('system', 'root'), ('skel', None), ('user', 'alice')] * 3
    for host in hypervisors:
        for path in (fleet_conf(fleet, host), fleet[host].skel_conf, fleet_conf(fleet, host, 'alice')):
            assert read(path) == ONE_DEFAULT, path
        assert os.stat(fleet_conf(fleet, host, 'alice')).st_uid == FLEET_ACCOUNTS['alice']
        assert not os.listdir(fleet[host].home('bob'))
        assert fleet[host].virsh('alice', 'test:///default') == 'test:///default'
    for host in ('jump-cloud', 'jump-lab', 'desk1'):
        assert not os.path.exists(fleet_conf(fleet, host)) and not os.listdir(fleet[host].home('alice'))
    again = module_results(run_fleet('fleet-every-account.yml', fleet))
    assert len(again) == 9 and not any(r['changed'] for r in again)


def test_fleet_remote_mode(fleet):
    write(fleet_conf(fleet, 'rain'), '# by hand\nremote_mode = "direct"  # was\n')
    # The check runs virsh as alice: a Python she can run, and no temporary files to share with her.
    as_users = ['-e', json.dumps({'ansible_python_interpreter': '/usr/bin/python3', 'ansible_pipelining': True})]
    results = run_fleet('fleet-remote-mode.yml', fleet, as_users)
    for host in ALL_HOSTS:
        probes = task(results, 'Ask virsh which mode it reads, as each account', host)['results']
        assert [p['item'] for p in probes] == ['root', 'alice']
        assert all(not p.get('failed') for p in probes), probes
        expected = '# by hand\nremote_mode = "legacy"  # was\n' if host == 'rain' else 'remote_mode = "legacy"\n'
        if host.startswith('jump-'):
            # The bastions' group_vars add their aliases and default; remote_mode comes after them.
            assert read(fleet_conf(fleet, host)).startswith('uri_aliases = [\n'), host
            assert read(fleet_conf(fleet, host)).endswith('\n' + expected), host
            continue
        assert read(fleet_conf(fleet, host)) == expected, host
        for user in ('alice', 'bob'):
            assert read(fleet_conf(fleet, host, user)) == 'remote_mode = "legacy"\n'
        assert read(fleet[host].skel_conf) == 'remote_mode = "legacy"\n'
    # virsh reads what the role wrote: with a bad value it refuses the connection.
    write(fleet_conf(fleet, 'hail', 'bob'), 'remote_mode = "Legacy"\n')
    assert fleet['hail'].virsh('bob', 'qemu:///session') == \
        "error: invalid argument: Unknown remote mode 'Legacy'"
    # A second run changes nothing but that file.
    again = module_results(run_fleet('fleet-remote-mode.yml', fleet, as_users))
    assert [(r['user'], r['path']) for r in again if r['changed']] == [('bob', '/home/bob/.config/libvirt/libvirt.conf')]
    assert read(fleet_conf(fleet, 'hail', 'bob')) == 'remote_mode = "legacy"\n'


# -- migrating -------------------------------------------------------------------------

def test_lineinfile_breaks_a_list_over_several_lines(conf):
    results = run_local('migrate-lineinfile-breakage.yml', conf)
    broken = ('uri_aliases = [ "hail=%s", "sleet=%s", "rain=%s" ]\n'
              '  "hail=%s",\n  "sleet=%s",\n]\n' % (HAIL, SLEET, RAIN, HAIL, SLEET))
    assert read(conf) == broken
    assert task(results, 'Show the file - the old list\'s tail is left behind')['msg'] == broken.splitlines()
    # Every connection now fails, even one with a full URI.
    assert virsh_uri(str(conf), 'test:///default') == \
        (False, 'configuration file syntax error: %s:2: expecting a name' % conf)
    # The module will not touch such a file.
    rc, results = _playbook(os.path.join(EXAMPLES, 'getting-started.yml'), {'libvirt_conf': str(conf)})
    edit = task(results, 'Add the aliases and make hail the default')
    assert rc != 0 and edit['failed'] is True
    assert '%s:2: expecting a name' % conf in edit['msg'], edit['msg']
    assert read(conf) == broken


TEMPLATED = ('# Managed by Ansible - local changes will be lost\n'
             'uri_aliases = [\n'
             '  "hail=%s",\n'
             '  "oldbox=qemu+ssh://root@oldbox.cloud.example.com/system",\n'
             ']\n'
             'uri_default = "oldbox"\n'
             'remote_mode = "legacy"\n' % HAIL)


def test_migrate_to_module(fleet):
    hypervisors = ['hail', 'sleet', 'rain']
    for host in hypervisors:
        write(fleet_conf(fleet, host), TEMPLATED)
    results = run_fleet('migrate-to-module.yml', fleet)
    expected = ('# Managed by Ansible - local changes will be lost\n'
                'uri_aliases = [\n  "hail=%s",\n  "sleet=%s",\n  "rain=%s",\n]\n'
                'uri_default = "hail"\nremote_mode = "legacy"\n' % (HAIL, SLEET, RAIN))
    for host in hypervisors:
        edit = task(results, 'The aliases the template used to write, and nothing else', host)
        assert edit['changed'] is True
        assert read(fleet_conf(fleet, host)) == expected
        assert os.path.dirname(edit['backup_file']) == '/etc/libvirt'
        assert read(os.path.join(fleet[host].root, 'etc-libvirt', os.path.basename(edit['backup_file']))) == \
            TEMPLATED
        assert fleet[host].virsh('root', 'test:///default') == 'test:///default'


# -- troubleshooting -------------------------------------------------------------------

MALFORMED = ('uri_aliases = [\n'
             '  "lab=test:///default?lab",\n'
             '  "old lab=test:///default",\n'
             '  "qemu:///system",\n'
             ']\n'
             'uri_default = "lab"\n')


def test_troubleshoot_malformed_entries(conf):
    write(conf, MALFORMED)
    assert virsh_uri(str(conf), 'test:///default') == (
        False, "configuration file syntax error: Malformed 'uri_aliases' config entry 'old lab=test:///default', "
               "aliases may only contain 'a-Z, 0-9, _, -'")
    # Lazy validation: "lab" (the default) matches before the walk reaches the
    # malformed entries, so only the default connection still works.
    assert virsh_uri(str(conf)) == (True, 'test:///default?lab')

    results = run_local('troubleshoot-malformed.yml', conf)
    found = task(results, 'Read the file')
    assert found['changed'] is False
    assert found['malformed'] == ['old lab=test:///default', 'qemu:///system']
    assert any("'old lab=test:///default'" in w and "name: 'old lab'" in w for w in found['warnings'])
    assert any("'qemu:///system'" in w for w in found['warnings'])
    assert task(results, 'Show the entries that break every connection')['troubleshoot_found.malformed'] == \
        ['old lab=test:///default', 'qemu:///system']
    removed = task(results, 'Remove them')
    assert [r['item'] for r in removed['results']] == ['old lab=test:///default', 'qemu:///system']
    assert removed['results'][-1]['malformed'] == []

    assert read(conf) == 'uri_aliases = [\n  "lab=test:///default?lab",\n]\nuri_default = "lab"\n'
    assert virsh_uri(str(conf), 'test:///default') == (True, 'test:///default')
    assert virsh_uri(str(conf)) == (True, 'test:///default?lab')

    again = run_local('troubleshoot-malformed.yml', conf)
    assert task(again, 'Read the file')['malformed'] == []
    assert 'warnings' not in task(again, 'Read the file')
    assert task(again, 'Remove them').get('skipped') or task(again, 'Remove them')['results'] == []


def test_troubleshoot_audit_fails_until_the_entries_are_removed(conf):
    write(conf, MALFORMED)
    rc, results = _playbook(os.path.join(EXAMPLES, 'troubleshoot-audit.yml'), {'libvirt_conf': str(conf)})
    info = task(results, 'Read the file the way libvirt does')
    assert info['changed'] is False
    (config,) = info['configs']
    assert config['path'] == str(conf) and config['broken'] is True
    assert [(m['entry'], m['line']) for m in config['malformed']] == \
        [('old lab=test:///default', 3), ('qemu:///system', 4)]
    stop = task(results, 'Stop on a file that breaks connections, saying which and why')
    assert rc != 0 and stop['failed'] is True
    (reason,) = stop['msg']
    assert str(conf) in reason and "'old lab=test:///default'" in reason and 'only the aliases listed before' in reason
    assert read(conf) == MALFORMED

    run_local('troubleshoot-malformed.yml', conf)
    results = run_local('troubleshoot-audit.yml', conf)
    assert task(results, 'Read the file the way libvirt does')['configs'][0]['broken'] is False
    assert not task(results, 'Stop on a file that breaks connections, saying which and why').get('failed')
