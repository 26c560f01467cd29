# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt_uri_vars action (the writer of the adopt playbook), on localhost.

Each "host" is a libvirt.conf file read by the real libvirt_uri_info module
(``paths``); its report is handed to the action as that host's system file,
next to hosts that were unreachable or failed.  The written files are checked
byte for byte, and read back with Ansible's own YAML loader.
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.virtkit.libvirt_client.tests.helpers.files import read
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import playbook_env, run_play
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HOSTS = {
    'h1': (
        '# h1, by hand\n'
        'uri_aliases = [\n'
        '  "local=test:///default",\n'
        '  "lab=test:///default?site=lab",\n'
        '  "shared=test:///default?shared=a",\n'
        '  "yes=test:///default?yes=1",\n'
        ']\n'
        'uri_default = "lab"\n'
    ),
    'h2': (
        'uri_aliases = [ "lab=test:///default?site=lab", "local=test:///default",\n'
        '  "shared=test:///default?shared=b", "yes=test:///default?yes=1",\n'
        '  "bad entry", "own=test:///default?own=2" ]\n'
        'uri_default = "lab"\n'
    ),
    'h3': (
        'remote_mode = "legacy"\n'
        'uri_aliases = [ "local=test:///default", "lab=test:///default?site=lab", "yes=test:///default?yes=1",\n'
        '  "noscheme=bar", "dup=test:///default?first=1", "dup=test:///default?second=1" ]\n'
        'uri_default = "lab"\n'
    ),
    'h4': (
        'uri_aliases = [ "local=test:///default", "lab=test:///default?site=lab", "yes=test:///default?yes=1" ]\n'
        'uri_default = "lab"\n'
    ),
    # libvirt cannot parse this one: nothing is adopted and the role must leave it alone.
    'h5': 'uri_aliases = [ "local=test:///default" # a comment in a list\n]\n',
}

UNREACHABLE = {'unreachable': True, 'changed': False,
               'msg': 'Failed to connect to the host via ssh: ssh: connect to host 127.0.9.9 port 22: '
                      'Connection refused'}
FAILED = {'failed': True, 'msg': "user 'alice' does not exist on this host"}

REPORT = 'libvirt_uri_adopt_report.txt'
# The report's name in 0.1.0, and how every report this action wrote starts.
OLD_REPORT = 'libvirt_uri_adopt_report.yml'
REPORT_START = '---\n# Report of the last run of virtkit.libvirt_client.adopt (rewritten by every run).\n'

EXISTING_GROUP = (
    '---\n'
    '# Inventory-wide settings, kept by hand\n'
    'libvirt_uri_manage_packages: false   # no package installs here\n'
    '\n'
    '# adopted below\n'
    'libvirt_uri_aliases:\n'
    '    stale: "test:///default?stale=1"\n'
    "    local: 'test:///default'   # the local daemon\n"
    'libvirt_uri_backup: true\n'
)

EXPECTED_GROUP = (
    '---\n'
    '# Inventory-wide settings, kept by hand\n'
    'libvirt_uri_manage_packages: false   # no package installs here\n'
    '\n'
    '# adopted below\n'
    'libvirt_uri_aliases:\n'
    "    local: 'test:///default'   # the local daemon\n"
    '    lab: test:///default?site=lab\n'
    "    'yes': test:///default?yes=1\n"
    'libvirt_uri_backup: true\n'
    'libvirt_uri_default: lab\n'
)


def write_hosts(world_tmp):
    paths = {}
    for host, text in HOSTS.items():
        directory = world_tmp / host / 'libvirt'
        directory.mkdir(parents=True)
        path = directory / 'libvirt.conf'
        path.write_text(text)
        paths[host] = str(path)
    return paths


def adopt(paths, dest, extra=None, check=False, diff=False, report=None, inventory=None):
    """Gather every file with libvirt_uri_info, then run the writer; returns the writer's result.

    ``report`` is the writer's option of that name (its default when None); ``inventory`` a directory to run
    ansible-playbook with as its inventory (it must hold localhost) instead of ``localhost,``.
    """
    results_expr = (
        "{%- set ns = namespace(out=extra) -%}"
        "{%- for r in gathered.results -%}"
        "{%-   set ns.out = ns.out | combine({r.item.key: {'changed': false, 'configs':"
        "        r.configs | map('combine', {'scope': 'system'}) | list}}) -%}"
        "{%- endfor -%}"
        "{{ ns.out }}"
    )
    tasks = [
        {'name': 'gather', 'virtkit.libvirt_client.libvirt_uri_info': {'system': False, 'paths': ['{{ item.value }}']},
         'loop': '{{ hosts | dict2items }}', 'register': 'gathered'},
        {'name': 'write', 'virtkit.libvirt_client.libvirt_uri_vars': dict(
            {'dest': dest, 'results': results_expr}, **({} if report is None else {'report': report})),
         'ignore_errors': True},
    ]
    play_vars = {'hosts': paths, 'extra': extra or {}}
    return run_play(tasks, check=check, diff=diff, play_vars=play_vars, inventory=inventory or 'localhost,')[-1]


def ansible_load(path):
    """What Ansible makes of a vars file."""
    from ansible.parsing.dataloader import DataLoader
    return DataLoader().load_from_file(str(path))


@pytest.fixture
def adopted(world_tmp):
    paths = write_hosts(world_tmp)
    dest = world_tmp / 'inventory'
    (dest / 'group_vars' / 'all').mkdir(parents=True)
    (dest / 'group_vars' / 'all' / 'libvirt_uri.yml').write_text(EXISTING_GROUP)
    result = adopt(paths, str(dest), extra={'h6': UNREACHABLE, 'h7': FAILED})
    assert not result.get('failed'), result
    return paths, dest, result


def test_existing_group_file_keeps_comments_order_and_formatting(adopted):
    paths, dest, result = adopted
    assert result['changed'] is True
    assert read(dest / 'group_vars' / 'all' / 'libvirt_uri.yml') == EXPECTED_GROUP
    loaded = ansible_load(dest / 'group_vars' / 'all' / 'libvirt_uri.yml')
    # 'yes' stays a string for Ansible's YAML 1.1 loader.
    assert list(loaded['libvirt_uri_aliases'].items()) == [
        ('local', 'test:///default'), ('lab', 'test:///default?site=lab'), ('yes', 'test:///default?yes=1')]
    assert loaded['libvirt_uri_manage_packages'] is False and loaded['libvirt_uri_backup'] is True


def test_second_adopt_changes_no_byte(adopted, world_tmp):
    paths, dest, first = adopted
    before = dict((p, read(p)) for p in sorted(dest.rglob('*')) if p.is_file())
    stats = dict((p, os.stat(p).st_mtime_ns) for p in before)
    again = adopt(paths, str(dest), extra={'h6': UNREACHABLE, 'h7': FAILED})
    assert again['changed'] is False, again
    assert set(f['state'] for f in again['files']) == {'unchanged'}
    after = dict((p, read(p)) for p in sorted(dest.rglob('*')) if p.is_file())
    assert after == before
    assert dict((p, os.stat(p).st_mtime_ns) for p in after) == stats


def test_differences_and_conflicts_go_to_host_vars(adopted):
    paths, dest, result = adopted
    h1 = ansible_load(dest / 'host_vars' / 'h1' / 'libvirt_uri.yml')
    h2 = ansible_load(dest / 'host_vars' / 'h2' / 'libvirt_uri.yml')
    h3 = ansible_load(dest / 'host_vars' / 'h3' / 'libvirt_uri.yml')
    # Complete values, in each file's own order (Ansible replaces a group's dict, it does not merge).
    assert list(h1['libvirt_uri_aliases'].items()) == [
        ('local', 'test:///default'), ('lab', 'test:///default?site=lab'),
        ('shared', 'test:///default?shared=a'), ('yes', 'test:///default?yes=1')]
    assert list(h2['libvirt_uri_aliases'].items()) == [
        ('lab', 'test:///default?site=lab'), ('local', 'test:///default'),
        ('shared', 'test:///default?shared=b'), ('yes', 'test:///default?yes=1'), ('own', 'test:///default?own=2')]
    # The first of two entries of a name is the one libvirt uses.
    assert h3['libvirt_uri_aliases']['dup'] == 'test:///default?first=1'
    for hv in (h1, h2, h3):
        assert 'libvirt_uri_default' not in hv and 'libvirt_uri_users' not in hv
    # h4 has exactly what everyone shares: no host_vars at all.
    assert not (dest / 'host_vars' / 'h4').exists()
    report = yaml.safe_load(read(dest / REPORT))
    assert report == result['report']
    assert report['conflicts'] == [{'file': 'system', 'alias': 'shared',
                                    'uris': {'test:///default?shared=a': ['h1'],
                                             'test:///default?shared=b': ['h2']}}]
    assert report['duplicates'] == [{'host': 'h3', 'path': paths['h3'], 'aliases': ['dup']}]
    assert report['defaults'] == []


def test_malformed_and_refused_entries_are_reported_never_adopted(adopted):
    paths, dest, result = adopted
    report = result['report']
    assert len(report['malformed']) == 1
    malformed = report['malformed'][0]
    assert (malformed['host'], malformed['path'], malformed['entry'], malformed['line']) == (
        'h2', paths['h2'], 'bad entry', 3)
    assert "Malformed 'uri_aliases' config entry 'bad entry'" in malformed['message']
    assert [(n['host'], n['setting'], n['value']) for n in report['not_adopted']] == [
        ('h3', 'uri_aliases', 'noscheme=bar')]
    text = ''.join(read(p) for p in dest.rglob('libvirt_uri.yml'))
    assert 'bad entry' not in text and 'noscheme' not in text
    # libvirt agrees the malformed entry is there, and fatal for a name after it.
    ok, message = virsh_uri(paths['h2'], 'own')
    assert not ok and 'bad entry' in message


def test_unusable_file_keeps_the_role_away(adopted):
    paths, dest, result = adopted
    h5 = dest / 'host_vars' / 'h5' / 'libvirt_uri.yml'
    assert read(h5).endswith('libvirt_uri_default: null\nlibvirt_uri_aliases: {}\n')
    loaded = ansible_load(h5)
    assert loaded == {'libvirt_uri_aliases': {}, 'libvirt_uri_default': None}
    unusable = result['report']['unusable_files']
    assert [(u['host'], u['path']) for u in unusable] == [('h5', paths['h5'])]
    assert 'expecting a' in unusable[0]['error']


def test_unreachable_and_failed_hosts_are_listed_and_untouched(adopted):
    paths, dest, result = adopted
    hosts = result['report']['hosts']
    assert hosts['adopted'] == ['h1', 'h2', 'h3', 'h4', 'h5']
    assert hosts['unreachable'] == {'h6': UNREACHABLE['msg']}
    assert hosts['failed'] == {'h7': FAILED['msg']}
    assert not (dest / 'host_vars' / 'h6').exists() and not (dest / 'host_vars' / 'h7').exists()


def test_new_files_and_check_mode(world_tmp):
    paths = write_hosts(world_tmp)
    dest = world_tmp / 'fresh'
    checked = adopt(paths, str(dest), check=True, diff=True)
    assert checked['changed'] is True and not dest.exists()
    assert any(d['after_header'].endswith('group_vars/all/libvirt_uri.yml') for d in checked['diff'])
    result = adopt(paths, str(dest))
    assert result['changed'] is True
    text = read(dest / 'group_vars' / 'all' / 'libvirt_uri.yml')
    assert text == (
        '---\n'
        '# libvirt client settings adopted from the hosts by virtkit.libvirt_client.adopt.\n'
        '# Adopting again rewrites only libvirt_uri_default, libvirt_uri_aliases,\n'
        '# libvirt_uri_users and libvirt_uri_users_inherit here; comments and other\n'
        '# variables are kept.\n'
        'libvirt_uri_default: lab\n'
        'libvirt_uri_aliases:\n'
        '  local: test:///default\n'
        '  lab: test:///default?site=lab\n'
        "  'yes': test:///default?yes=1\n"
    )
    assert [d['after_header'] for d in checked['diff']] == [f['path'] for f in result['files']]


def test_hand_edits_to_host_vars_survive_readoption(world_tmp):
    paths = write_hosts(world_tmp)
    dest = world_tmp / 'inv'
    adopt(paths, str(dest))
    h2 = dest / 'host_vars' / 'h2' / 'libvirt_uri.yml'
    edited = read(h2).replace('libvirt_uri_aliases:\n', '# h2 is the odd one\nlibvirt_uri_aliases:\n')
    edited += 'libvirt_uri_backup: true  # keep copies on h2\n'
    h2.write_text(edited)
    # h2 gets a new alias by hand on the host; adopting again adds just that line.
    with open(paths['h2'], 'a') as f:
        f.write('uri_aliases = [ "late=test:///default?late=1" ]\n')  # a second list: libvirt ignores it
    again = adopt(paths, str(dest))
    assert again['changed'] is False
    text = HOSTS['h2'].replace('"own=test:///default?own=2" ]', '"own=test:///default?own=2", '
                               '"late=test:///default?late=1" ]')
    with open(paths['h2'], 'w') as f:
        f.write(text)
    third = adopt(paths, str(dest))
    assert third['changed'] is True
    assert read(h2) == edited.replace('  own: test:///default?own=2\n',
                                      '  own: test:///default?own=2\n  late: test:///default?late=1\n')


def test_bad_users_option_names_the_value(world_tmp):
    out = run_play([{'name': 'write', 'virtkit.libvirt_client.libvirt_uri_vars': {
        'dest': str(world_tmp / 'x'), 'results': {}, 'users': [{'user': 'alice', 'xdg_config_home': 'rel'}]},
        'ignore_errors': True}])[0]
    assert out['failed'] is True
    assert out['msg'] == "users[0].xdg_config_home must be an absolute path, got 'rel'"
    assert not (world_tmp / 'x').exists()


def test_module_run_without_its_action_fails_clearly(world_tmp):
    args = world_tmp / 'args.json'
    args.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': {'dest': str(world_tmp), 'results': {}}}))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, '.cache', 'collections'))
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'plugins', 'modules', 'libvirt_uri_vars.py'),
                           str(args)], capture_output=True, text=True, env=env, timeout=60, check=False)
    out = json.loads(proc.stdout)
    assert out['failed'] is True
    assert 'runs on the controller through its action plugin' in out['msg']


INVENTORY = (
    'all:\n'
    '  hosts:\n'
    '    localhost:\n'
    '      ansible_connection: local\n'
    '    h1:\n'
    '    h2:\n'
)


def inventory_of(directory):
    """(what ansible-inventory --list makes of ``directory``, its stderr)."""
    env = dict(playbook_env(), ANSIBLE_INVENTORY_UNPARSED_WARNING='1')
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i',
                           str(directory), '--list'], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), proc.stderr


def test_the_report_in_an_inventory_directory_is_not_read_as_inventory(world_tmp):
    paths = write_hosts(world_tmp)
    dest = world_tmp / 'inventory'
    dest.mkdir()
    (dest / 'hosts.yml').write_text(INVENTORY)
    result = adopt(paths, str(dest), extra={'h6': UNREACHABLE}, inventory=dest)
    assert result['changed'] is True and 'warnings' not in result, result
    assert result['report_path'] == str(dest / REPORT)
    assert read(dest / REPORT).startswith(REPORT_START)
    assert yaml.safe_load(read(dest / REPORT)) == result['report']
    # ansible reads the hosts and the adopted variables from the directory, and nothing from the report
    inventory, stderr = inventory_of(dest)
    assert 'WARNING' not in stderr, stderr
    assert sorted(inventory) == ['_meta', 'all', 'ungrouped']
    assert sorted(inventory['ungrouped']['hosts']) == ['h1', 'h2', 'localhost']
    h1 = inventory['_meta']['hostvars']['h1']
    assert h1['libvirt_uri_aliases']['shared'] == 'test:///default?shared=a'


def test_a_report_name_ansible_would_read_as_inventory_gets_a_warning(world_tmp):
    paths = write_hosts(world_tmp)
    dest = world_tmp / 'inventory'
    dest.mkdir()
    (dest / 'hosts.yml').write_text(INVENTORY)
    result = adopt(paths, str(dest), report='adopt.yml', inventory=dest)
    assert not result.get('failed'), result
    from ansible import constants
    ignored = constants.INVENTORY_IGNORE_EXTS  # differs between ansible-core lines: 2.17 has .ini too
    assert '.txt' in ignored and '.yml' not in ignored
    assert result['warnings'] == [
        'the report %s is in the inventory directory %s, so ansible reads it as an inventory source: give report '
        'a name that ends in one of %s (INVENTORY_IGNORE_EXTS), as the default libvirt_uri_adopt_report.txt does'
        % (dest / 'adopt.yml', dest, ', '.join(ignored))]
    # and ansible does read it: the warning is true
    inventory, stderr = inventory_of(dest)
    assert 'hosts' in inventory['all']['children']
    assert "Skipping 'conflicts' as this is not a valid group definition" in stderr
    # the same name outside the inventory, or a name ansible skips, gets no warning
    other = world_tmp / 'elsewhere'
    assert 'warnings' not in adopt(paths, str(other), report='adopt.yml', inventory=dest)
    assert 'warnings' not in adopt(paths, str(dest), report='adopt.md', inventory=dest)
    assert 'warnings' not in adopt(paths, str(dest), report='.adopt.yml', inventory=dest)


def test_the_report_of_0_1_0_is_removed_and_a_hand_made_file_of_its_name_kept(world_tmp):
    paths = write_hosts(world_tmp)
    dest = world_tmp / 'inv'
    first = adopt(paths, str(dest), report=OLD_REPORT)
    old_text = read(dest / OLD_REPORT)
    assert old_text.startswith(REPORT_START) and not (dest / REPORT).exists()
    checked = adopt(paths, str(dest), check=True, diff=True)
    assert checked['changed'] is True
    assert {'path': str(dest / OLD_REPORT), 'state': 'removed'} in checked['files']
    assert {'before_header': str(dest / OLD_REPORT), 'after_header': str(dest / OLD_REPORT),
            'before': old_text, 'after': ''} in checked['diff']
    assert read(dest / OLD_REPORT) == old_text and not (dest / REPORT).exists()
    moved = adopt(paths, str(dest))
    assert moved['changed'] is True
    assert [f['state'] for f in moved['files'] if f['path'] in (str(dest / REPORT), str(dest / OLD_REPORT))] == [
        'created', 'removed']
    assert not (dest / OLD_REPORT).exists() and read(dest / REPORT) == old_text
    assert first['report'] == moved['report']
    # a file of that name that the action did not write stays, byte for byte
    mine = '---\n# my own notes about the adoption\nhosts: []\n'
    (dest / OLD_REPORT).write_text(mine)
    again = adopt(paths, str(dest))
    assert again['changed'] is False and set(f['state'] for f in again['files']) == {'unchanged'}
    assert read(dest / OLD_REPORT) == mine
