# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_uri_alias in this process: exact bytes, check mode, backup, warnings and returns.

The same promises as tests/integration/test_libvirt_uri_alias.py (which runs
the module through ansible-playbook and asks virsh), checked in about 40 ms
a run, so that `make mutate` can run them against every mutant.
"""

import importlib
import json
import os
import stat
from unittest import mock

import pytest

from reliability_helpers import ENGINE, call_module, read, run_module, snapshot, temp_files, write

A = 'test:///default?a'
B = 'test:///default?b'
C = 'test:///default?c'
PLAIN = 'qemu+ssh://root@hv1.example.com/system'


def run(conf, args, **kwargs):
    return call_module(dict(args, path=str(conf)), **kwargs)


def test_new_alias_goes_after_the_last_entry(conf):
    write(conf, 'uri_aliases = [\n  "a=%s",\n  "b=%s",\n]\n' % (A, B))
    result = run(conf, {'name': 'c', 'uri': C})
    assert result['changed'] is True
    assert read(conf) == 'uri_aliases = [\n  "a=%s",\n  "b=%s",\n  "c=%s",\n]\n' % (A, B, C)
    assert result['aliases'] == [{'name': 'a', 'uri': A}, {'name': 'b', 'uri': B}, {'name': 'c', 'uri': C}]


def test_new_list_and_new_default_in_a_file_without_them(conf):
    write(conf, '# x\n')
    result = run(conf, {'aliases': {'a': A, 'b': B}, 'uri_default': 'b'})
    assert read(conf) == '# x\nuri_aliases = [\n  "a=%s",\n  "b=%s",\n]\nuri_default = "b"\n' % (A, B)
    assert result['uri_default'] == 'b'


def test_first_duplicate_changes_others_stay(conf):
    write(conf, 'uri_aliases = [ "a=%s", "b=%s", "a=%s" ]\n' % (A, B, C))
    result = run(conf, {'name': 'a', 'uri': B})
    assert read(conf) == 'uri_aliases = [ "a=%s", "b=%s", "a=%s" ]\n' % (B, B, C)
    assert result['changed'] is True


def test_absent_removes_every_occurrence_and_an_emptied_list_stays_valid(conf):
    write(conf, 'uri_aliases = [ "a=%s", "a=%s" ]\n' % (A, B))
    result = run(conf, {'name': 'a', 'state': 'absent'})
    assert result['changed'] is True and result['aliases'] == []
    assert read(conf) == 'uri_aliases = []\n'


def test_exclusive_keeps_first_listed_once(conf):
    write(conf, 'uri_aliases = [ "a=%s", "x", "b=%s", "a=%s", "c=%s" ]\n' % (A, B, B, C))
    result = run(conf, {'aliases': {'a': A, 'c': C}, 'exclusive': True})
    assert read(conf) == 'uri_aliases = [ "a=%s", "c=%s" ]\n' % (A, C)
    assert result['malformed'] == []


def test_uri_default_replaces_a_non_string_and_removal_removes_all(conf):
    write(conf, 'uri_default = 1\nuri_default = "x"\n')
    result = run(conf, {'uri_default': A})
    assert read(conf) == 'uri_default = "%s"\nuri_default = "x"\n' % A
    assert result['uri_default'] == A
    result = run(conf, {'uri_default': ''})
    assert read(conf) == ''
    assert result['changed'] is True and result['uri_default'] is None


def test_check_mode_writes_nothing_and_the_real_run_writes(conf):
    write(conf, 'uri_aliases = [ "a=%s" ]\n' % A)
    before = snapshot(conf)
    result = run(conf, {'name': 'b', 'uri': B}, check=True, diff=True)
    assert result['changed'] is True
    assert result['diff']['after'] == 'uri_aliases = [ "a=%s", "b=%s" ]\n' % (A, B)
    assert snapshot(conf) == before
    assert 'backup_file' not in result
    result = run(conf, {'name': 'b', 'uri': B}, diff=True)
    assert result['changed'] is True
    assert read(conf) == result['diff']['after']
    assert result['diff']['before'] == 'uri_aliases = [ "a=%s" ]\n' % A
    assert run(conf, {'name': 'b', 'uri': B})['changed'] is False


def test_new_file_diff_and_mode(world_tmp):
    path = world_tmp / 'libvirt.conf'
    result = call_module({'path': str(path), 'name': 'a', 'uri': A, 'mode': '0640'}, diff=True)
    assert result['diff']['before'] == '' and result['diff']['after'] == read(path)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640
    assert 'backup_file' not in result


def test_backup_only_when_asked_and_written(conf):
    write(conf, 'uri_aliases = [ "a=%s" ]\n' % A)
    result = run(conf, {'name': 'b', 'uri': B, 'backup': True}, check=True)
    assert result['changed'] is True and 'backup_file' not in result
    assert sorted(os.listdir(str(conf.parent))) == ['libvirt.conf']
    result = run(conf, {'name': 'b', 'uri': B, 'backup': True})
    assert read(result['backup_file']) == 'uri_aliases = [ "a=%s" ]\n' % A
    result = run(conf, {'name': 'b', 'uri': B, 'backup': True})
    assert 'backup_file' not in result and result['changed'] is False
    result = run(conf, {'name': 'c', 'uri': C})
    assert 'backup_file' not in result and result['changed'] is True
    assert len(os.listdir(str(conf.parent))) == 2


def warning_texts(result):
    """The warnings' texts (ansible-core 2.19 returns them as structured events in process)."""
    return [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]


def test_malformed_entries_are_returned_and_warned(conf):
    write(conf, 'uri_aliases = [ "bro ken=%s", "noequals", "a=%s" ]\nuri_default = [ "x" ]\n' % (A, A))
    result = run(conf, {'name': 'b', 'uri': B})
    assert result['malformed'] == ['bro ken=%s' % A, 'noequals']
    warnings = warning_texts(result)
    assert len(warnings) == 3
    assert "holds the malformed uri_aliases entry 'bro ken=%s'" % A in warnings[0]
    assert "name: 'bro ken' and state: absent" in warnings[0]
    assert "name: 'noequals' and state: absent" in warnings[1]
    assert "expected a string for 'uri_default' parameter" in warnings[2]
    assert result['uri_default'] is None


def test_owner_group_mode_change_alone_is_a_change(conf):
    write(conf, 'uri_default = "%s"\n' % A)
    args = {'uri_default': A, 'mode': '0600', 'owner': 'nobody', 'group': 'nogroup'}
    assert run(conf, args, check=True)['changed'] is True
    assert stat.S_IMODE(os.stat(str(conf)).st_mode) == 0o644
    assert run(conf, args)['changed'] is True
    st = os.stat(str(conf))
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, 65534, 65534)
    assert run(conf, args)['changed'] is False


def test_create_false(world_tmp):
    path = world_tmp / 'libvirt.conf'
    result = call_module({'path': str(path), 'name': 'a', 'uri': A, 'create': False})
    assert result['failed'] is True and result['msg'] == "'%s' does not exist and create is false" % path
    path = world_tmp / 'sub' / 'libvirt.conf'
    result = call_module({'path': str(path), 'name': 'a', 'uri': A, 'create': False})
    assert result['msg'] == "the directory of '%s' does not exist and create is false" % path
    assert os.listdir(str(world_tmp)) == []


def test_stale_temporary_files_are_removed_outside_check_mode(conf):
    write(conf, 'uri_aliases = [ "a=%s" ]\n' % A)
    stale = conf.parent / '.libvirt.conf.1.0.tmp'
    write(stale, 'half')
    run(conf, {'name': 'a', 'uri': A}, check=True)
    assert temp_files(conf.parent) == ['.libvirt.conf.1.0.tmp']
    run(conf, {'name': 'a', 'uri': A})
    assert temp_files(conf.parent) == []


def test_refusal_messages_are_exact(conf):
    for data, message in ((b'a = 1\n\x00\n', "'%s' holds a NUL character; it is left untouched"),
                          (b'# caf\xe9\n', "'%s' is not UTF-8 text (invalid byte at offset 5); it is left untouched")):
        with open(str(conf), 'wb') as f:
            f.write(data)
        assert run(conf, {'name': 'a', 'uri': A})['msg'] == message % conf


def test_the_first_of_two_uri_aliases_statements_is_edited(conf):
    """libvirt reads the first uri_aliases; the second stays as it is."""
    write(conf, 'uri_aliases = [ "a=%s" ]\nuri_aliases = [ "z=%s" ]\n' % (A, C))
    result = run(conf, {'name': 'b', 'uri': B})
    assert read(conf) == 'uri_aliases = [ "a=%s", "b=%s" ]\nuri_aliases = [ "z=%s" ]\n' % (A, B, C)
    assert [a['name'] for a in result['aliases']] == ['a', 'b']


def test_several_new_aliases_in_order(conf):
    names = ['n%d' % i for i in range(5)]
    entries = ''.join('  "%s=test:///default?%s",\n' % (n, n) for n in names)
    for start, expected in (('', 'uri_aliases = [\n%s]\n' % entries),
                            ('uri_aliases = [\n  "a=%s",\n]\n' % A, 'uri_aliases = [\n  "a=%s",\n%s]\n' % (A, entries))):
        write(conf, start)
        result = run(conf, {'aliases': dict((n, 'test:///default?' + n) for n in names)})
        assert [a['name'] for a in result['aliases']][-5:] == names
        assert read(conf) == expected


def test_two_uri_default_statements_the_first_counts(conf):
    write(conf, 'uri_default = "%s"\nuri_default = "%s"\n' % (A, B))
    before = snapshot(conf)
    result = run(conf, {'uri_default': A})
    assert result['changed'] is False and result['uri_default'] == A
    assert snapshot(conf) == before
    result = run(conf, {'uri_default': B})
    assert read(conf) == 'uri_default = "%s"\nuri_default = "%s"\n' % (B, B)


def test_exclusive_with_a_non_string_uri_default(conf):
    write(conf, 'uri_aliases = [ "a=%s", "b=%s" ]\nuri_default = 1\n' % (A, B))
    result = run(conf, {'aliases': {'a': A}, 'exclusive': True})
    assert result['changed'] is True, result
    assert read(conf) == 'uri_aliases = [ "a=%s" ]\nuri_default = 1\n' % A


# -- user scope, in process ------------------------------------------------------

def user_conf(pw):
    return os.path.join(pw.pw_dir, '.config', 'libvirt', 'libvirt.conf')


def test_user_scope_file_backup_and_attributes(make_user):
    pw = make_user()
    args = {'scope': 'user', 'user': pw.pw_name, 'name': 'a', 'uri': A}
    result = call_module(args, check=True)
    assert result['changed'] is True and os.listdir(pw.pw_dir) == []
    result = call_module(args)
    path = user_conf(pw)
    assert result['changed'] is True and result['path'] == path
    st = os.stat(path)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (pw.pw_uid, pw.pw_gid, 0o644)
    result = call_module(dict(args, uri=B, backup=True))
    backup = os.stat(result['backup_file'])
    assert (backup.st_uid, backup.st_gid, stat.S_IMODE(backup.st_mode)) == (pw.pw_uid, pw.pw_gid, 0o644)
    assert read(result['backup_file']) == 'uri_aliases = [\n  "a=%s",\n]\n' % A
    # mode alone: reported in check mode, applied, then no change.
    assert call_module(dict(args, uri=B, mode='0600'), check=True)['changed'] is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert call_module(dict(args, uri=B, mode='0600'))['changed'] is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert call_module(dict(args, uri=B, mode='0600'))['changed'] is False


def test_user_scope_refuses_path_based_attributes(make_user):
    pw = make_user()
    result = call_module({'scope': 'user', 'user': pw.pw_name, 'name': 'a', 'uri': A, 'setype': 'etc_t'})
    assert result['msg'] == ("setype cannot be used with scope=user: only owner, group and mode are applied to a "
                             "file in a user's directory")
    assert os.listdir(pw.pw_dir) == []


def test_missing_directories_are_made_when_the_file_is_written(world_tmp):
    path = world_tmp / 'a' / 'b' / 'libvirt.conf'
    result = call_module({'path': str(path), 'name': 'a', 'uri': A})
    assert result['changed'] is True, result
    assert read(path) == 'uri_aliases = [\n  "a=%s",\n]\n' % A


def test_an_integer_uri_default_equal_to_the_alias_name_is_quoted(conf):
    write(conf, 'uri_default = 1\n')
    result = run(conf, {'aliases': {'1': A}, 'uri_default': '1'})
    assert result['changed'] is True and result['uri_default'] == '1', result
    assert read(conf) == 'uri_default = "1"\nuri_aliases = [\n  "1=%s",\n]\n' % A


def test_user_scope_for_a_user_who_does_not_exist():
    result = call_module({'scope': 'user', 'user': 'vk-no-such-user-4711', 'name': 'a', 'uri': A})
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == "user 'vk-no-such-user-4711' does not exist on this host"


def test_an_integer_uri_default_is_a_change_even_when_its_text_is_the_one_asked(conf):
    write(conf, 'uri_aliases = [ "1=%s" ]\nuri_default = 1\n' % A)
    result = run(conf, {'uri_default': '1'})
    assert result['changed'] is True and result['uri_default'] == '1', result
    assert read(conf) == 'uri_aliases = [ "1=%s" ]\nuri_default = "1"\n' % A


def test_a_first_uri_default(conf):
    write(conf, 'uri_aliases = [ "a=%s" ]\n' % A)
    result = run(conf, {'uri_default': 'a'})
    assert result['changed'] is True, result
    assert read(conf) == 'uri_aliases = [ "a=%s" ]\nuri_default = "a"\n' % A


def test_an_integer_first_uri_default_before_a_string_one(conf):
    write(conf, 'uri_aliases = [ "1=%s" ]\nuri_default = 1\nuri_default = "x"\n' % A)
    result = run(conf, {'uri_default': '1'})
    assert result['changed'] is True and result['uri_default'] == '1', result
    assert read(conf) == 'uri_aliases = [ "1=%s" ]\nuri_default = "1"\nuri_default = "x"\n' % A


def test_remote_mode_alone_is_added_after_the_last_statement(conf):
    """remote_mode without uri_default: the settings after an unset one are still edited."""
    write(conf, '# x\nuri_aliases = [\n  "a=%s",\n]\n' % A)
    result = run(conf, {'remote_mode': 'legacy'})
    assert result['changed'] is True
    assert read(conf) == '# x\nuri_aliases = [\n  "a=%s",\n]\nremote_mode = "legacy"\n' % A
    assert (result['remote_mode'], result['remote_proxy']) == ('legacy', None)


def test_remote_settings_change_in_place_or_are_added(conf):
    write(conf, '# x\nremote_mode = "auto"\nuri_aliases = [\n  "a=%s",\n]\n' % A)
    result = run(conf, {'remote_mode': 'direct', 'remote_proxy': 'native'})
    assert result['changed'] is True
    assert read(conf) == ('# x\nremote_mode = "direct"\nuri_aliases = [\n  "a=%s",\n]\nremote_proxy = "native"\n'
                          % A)
    assert (result['remote_mode'], result['remote_proxy']) == ('direct', 'native')


def test_an_empty_remote_setting_removes_every_occurrence(conf):
    write(conf, 'remote_proxy = "netcat"\n# x\nuri_default = "%s"\nremote_proxy = "native"\n' % A)
    result = run(conf, {'remote_proxy': ''})
    assert result['changed'] is True
    assert read(conf) == '# x\nuri_default = "%s"\n' % A
    assert result['remote_proxy'] is None


def refusal_leaves_the_file(conf, args, message):
    write(conf, 'uri_aliases = [ "a=%s" ]\n' % A)
    before = snapshot(conf)
    result = run(conf, args)
    assert result.get('failed') is True, result
    assert result['msg'] == message
    assert snapshot(conf) == before


def test_a_bad_remote_setting_is_refused(conf):
    """remote_proxy checked when remote_mode is not given."""
    refusal_leaves_the_file(conf, {'remote_proxy': 'bogus'},
                            "remote_proxy 'bogus' is refused: Unnkown proxy type 'bogus' (remote_proxy must be one of "
                            "auto, netcat, native)")


def test_remote_settings_are_refused_in_libvirt_admin_conf(conf):
    refusal_leaves_the_file(conf, {'remote_mode': 'legacy', 'config': 'admin'},
                            "remote_mode 'legacy' cannot be used with config=admin: libvirt-admin.conf has no such "
                            "setting: virt-admin only connects to local UNIX sockets and never reads remote_mode or "
                            "remote_proxy (they belong in libvirt.conf)")


def test_a_name_to_remove_that_holds_a_line_break_is_refused(conf):
    refusal_leaves_the_file(conf, {'name': 'a\nb', 'state': 'absent'},
                            "name 'a\\nb' cannot name an alias entry: it is empty or holds a line break")


def test_the_engine_refuses_an_unknown_config():
    """The modules' choices keep it from the engine; the engine refuses it too."""
    engine = importlib.import_module(ENGINE)
    with pytest.raises(engine.Refusal) as refusal:
        engine.check_spec(engine.new_spec(config='bogus'))
    assert str(refusal.value) == "config 'bogus' is not one of client, admin"


def test_a_file_created_by_someone_else_meanwhile_is_left_alone(world_tmp):
    """The directory was missing when the file was read; the file exists once the directory is opened to write."""
    files = importlib.import_module('ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_files')
    conf = world_tmp / 'new' / 'libvirt.conf'
    real = files.open_system_target

    def open_after_someone_else(path, create, follow):
        if create:
            os.makedirs(os.path.dirname(path))
            write(conf, '# theirs\n')
        return real(path, create, follow)
    with mock.patch.object(files, 'open_system_target', open_after_someone_else):
        result = run(conf, {'name': 'a', 'uri': A})
    assert result.get('failed') is True, result
    assert result['msg'] == ("'%s' was created by someone else while it was being edited; it is left untouched, run "
                             "again" % conf)
    assert read(conf) == '# theirs\n'


# The module as a process, reporting which of the collection's files (and Augeas) it imported.
IMPORTS_REPORTER = '''
import json, runpy, sys
sys.argv = ['libvirt_uri_alias', sys.argv[1]]
try:
    runpy.run_module('ansible_collections.virtkit.libvirt_client.plugins.modules.libvirt_uri_alias',
                     run_name='__main__', alter_sys=True)
except SystemExit:
    pass
sys.stderr.write('IMPORTED %s\\n' % json.dumps(sorted(
    name.rpartition('.')[2] for name in sys.modules
    if name.startswith('ansible_collections.virtkit.libvirt_client.plugins.module_utils._') or name == 'augeas')))
'''


def imports_of_a_run(conf, args):
    """(result, names of the module_utils files and Augeas the module imported) of one run on ``conf``."""
    result = run_module(dict(args, path=str(conf)), code=IMPORTS_REPORTER)
    reported = [line for line in result['stderr'].splitlines() if line.startswith('IMPORTED ')]
    assert reported, result['stderr']
    return result, set(json.loads(reported[-1][len('IMPORTED '):]))


# Imported only to edit (Augeas, the lens, the write path) or for admin URIs, resolution and the audit.
WRITE_PATH = {'_libvirt_lens_edit', '_libvirt_atomic_write', '_libvirt_augeas', '_libvirt_lens', 'augeas'}
NOT_FOR_THESE_RUNS = {'_libvirt_admin', '_libvirt_resolve', '_libvirt_findings', '_libvirt_env', '_libvirt_login_events',
                      '_libvirt_login_pam', '_libvirt_shell_lexer', '_libvirt_shell_walker', '_libvirt_login_xdg',
                      '_libvirt_as_user'}


def test_a_run_that_changes_nothing_imports_no_write_path(conf):
    """On the hosts every module run compiles the code it imports (an AnsiballZ payload has no bytecode)."""
    # URIs of the plain shape (_libvirt_rules.is_plain_uri): not even the full URI rules are loaded.
    write(conf, 'uri_aliases = [\n  "hv1=%s",\n]\nuri_default = "hv1"\n' % PLAIN)
    before = snapshot(conf)
    result, imported = imports_of_a_run(conf, {'aliases': {'hv1': PLAIN}, 'uri_default': 'hv1'})
    assert result['changed'] is False, result
    assert snapshot(conf) == before
    assert {'_libvirt_update', '_libvirt_conf', '_libvirt_rules', '_libvirt_files'} <= imported
    assert not imported & (WRITE_PATH | NOT_FOR_THESE_RUNS | {'_libvirt_uri'}), imported

    # Any other URI gets the full rules, and still nothing of the write path.
    write(conf, 'uri_aliases = [\n  "a=%s",\n]\nuri_default = "a"\n' % A)
    before = snapshot(conf)
    result, imported = imports_of_a_run(conf, {'aliases': {'a': A}, 'uri_default': 'a'})
    assert result['changed'] is False, result
    assert snapshot(conf) == before
    assert {'_libvirt_update', '_libvirt_conf', '_libvirt_rules', '_libvirt_uri', '_libvirt_files'} <= imported
    assert not imported & (WRITE_PATH | NOT_FOR_THESE_RUNS), imported

    result, imported = imports_of_a_run(conf, {'aliases': {'a': A, 'b': B}})
    assert result['changed'] is True, result
    assert read(conf) == 'uri_aliases = [\n  "a=%s",\n  "b=%s",\n]\nuri_default = "a"\n' % (A, B)
    assert WRITE_PATH <= imported, imported
    assert not imported & NOT_FOR_THESE_RUNS, imported
