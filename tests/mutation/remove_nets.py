# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Remove each safety net of libvirt_uri_alias in turn and check that a test fails (tests/mutation/run.sh nets).

Run in a copy of the checkout (run.sh makes one): each net is taken out of
the source by a text replacement, the net's tests are run, and the source is
put back.  A net whose removal leaves its tests green is reported, and the
run fails.  The replacements are exact: when the code changes so that one no
longer applies, the run fails and says which, so the table stays true.
"""

import os
import subprocess
import sys

M = 'plugins/module_utils/_libvirt_update.py'
W = 'plugins/module_utils/_libvirt_lens_edit.py'
F = 'plugins/module_utils/_libvirt_files.py'
NETS_TEST = 'tests/reliability/test_safety_nets.py'

# (net, file, text, replacement, tests that must fail without it)
NETS = [
    ('verify(): the edited text is read back with libvirt grammar', M,
     'aliases, malformed, default = rewrite.verify(new_text, path, spec, present, absent)',
     'aliases, malformed, default = summarize(libvirt_conf.parse(new_text, path), path)', [NETS_TEST]),
    ('verify(): exclusive lists hold only the listed names, once', W,
     "if params['exclusive'] and params['aliases'] is not None:\n        names = [a['name']",
     "if False:\n        names = [a['name']", [NETS_TEST]),
    ('verify(): remote_mode and remote_proxy are what was asked', W,
     "        if wanted != '' and (value is None or value.type != 'string' or value.value != wanted):",
     "        if False:",
     [NETS_TEST + '::test_verify_refuses_a_wrong_remote_setting']),
    ('verify(): a removed remote setting is gone', W,
     "        if wanted == '' and any(e.name == key for e in entries):",
     "        if False:",
     [NETS_TEST + '::test_verify_refuses_a_removed_remote_setting_left_in_place']),
    ('edit(): lens and parser see as many uri_aliases elements', W,
     'if len(labels) != len(values):', 'if False:', [NETS_TEST]),
    ('edit_text(): a text the lens cannot read is a refusal', W,
     "    except LensError as exc:\n        raise Refusal('%s is valid",
     "    except ZeroDivisionError as exc:\n        raise Refusal('%s is valid", [NETS_TEST]),
    ('edit_text(): a lens failure while editing is a refusal', W,
     "    except LensError as exc:\n        raise Refusal('cannot edit",
     "    except ZeroDivisionError as exc:\n        raise Refusal('cannot edit", [NETS_TEST]),
    ('edit_text(): a lens that cannot write back is a refusal', W,
     '    except UnicodeError:\n', '    except ZeroDivisionError:\n', [NETS_TEST]),
    ('needs_change(): the fast path sees a removal', M,
     '    if any(name in names for name in absent):\n        return True\n', '',
     [NETS_TEST + '::test_fast_path_skips_only_edits_that_change_nothing']),
    ('needs_change(): the fast path sees a changed URI', M,
     "value.value[names.index(name)].value != '%s=%s' % (name, uri)", 'False',
     [NETS_TEST + '::test_fast_path_skips_only_edits_that_change_nothing']),
    ('load(): not UTF-8 is refused', M,
     "        text = data.decode('utf-8')\n", "        text = data.decode('utf-8', 'replace')\n",
     ['tests/reliability/test_faults.py::test_non_utf8_and_nul_files_are_left_untouched']),
    ('load(): NUL is refused', M, "    if '\\0' in text:", '    if False:',
     ['tests/reliability/test_faults.py::test_non_utf8_and_nul_files_are_left_untouched']),
    ('load(): uri_aliases must be a string list', M,
     '        libvirt_conf.get_string_list(entries, ALIASES_KEY, path)\n    except', '        pass\n    except',
     [NETS_TEST + '::test_parser_view_is_the_one_libvirt_has']),
    ('stale temporary files are removed', M, '                target.remove_stale_temps()\n            path = target.path',
     '                pass\n            path = target.path',
     ['tests/reliability/test_module_contract.py::test_stale_temporary_files_are_removed_outside_check_mode',
      'tests/reliability/test_crashes.py::test_sigkill_at_each_step_of_the_write']),
    ('the directory lock', F, '            fcntl.flock(self.dir_fd, fcntl.LOCK_EX)', '            pass',
     ['tests/reliability/test_concurrency.py::test_module_waits_for_the_directory_lock']),
    ('backup', M, "                    result['backup_file'] = module.backup_local(path)",
     "                    result['backup_file'] = path",
     ['tests/reliability/test_module_contract.py::test_backup_only_when_asked_and_written']),
    ('check mode writes nothing', M, '        if changed and not module.check_mode:', '        if changed:',
     ['tests/reliability/test_module_contract.py::test_check_mode_writes_nothing_and_the_real_run_writes']),
    ('check mode makes no directory', M,
     "    target = opener(False)", "    target = opener(True)",
     ['tests/reliability/test_file_target.py', 'tests/integration/test_libvirt_uri_alias.py::'
      'test_check_mode_creates_no_directory_with_path']),
    ('read(): a link at the file is not followed (O_NOFOLLOW)', F,
     "        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, 'O_NOCTTY', 0)\n        try:\n"
     "            # Special", "        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, 'O_NOCTTY', 0)\n        try:\n"
     "            # Special", ['tests/reliability/test_hostile_users.py::test_planted_link_is_refused']),
    ('read(): one link only, in a user tree', F, '                if st.st_nlink > 1:\n                    raise',
     '                if False:\n                    raise', ['tests/reliability/test_hostile_users.py::test_planted_link_is_refused']),
    ('read(): libvirt size limit, before reading', F, '            if st.st_size > MAX_CONFIG_FILE_SIZE:',
     '            if False:',
     ['tests/reliability/test_file_target.py::test_a_file_over_the_limit_is_refused_before_it_is_read']),
    ('read(): libvirt size limit, while reading', F, '                if size > MAX_CONFIG_FILE_SIZE:',
     '                if False:',
     ['tests/reliability/test_file_target.py::test_a_file_that_grows_past_the_limit_while_read_is_refused']),
]


def main():
    only = sys.argv[1:]
    python = sys.executable
    failures = []
    for name, path, text, replacement, tests in NETS:
        if only and not any(o in name for o in only):
            continue
        with open(path) as f:
            original = f.read()
        if original.count(text) != 1:
            failures.append(name)
            print('STALE   %s: the text to remove is found %d times in %s' % (name, original.count(text), path))
            continue
        with open(path, 'w') as f:
            f.write(original.replace(text, replacement))
        try:
            proc = subprocess.run([python, '-m', 'pytest', '-x', '-q', '-p', 'no:cacheprovider', '-n', '0'] + tests,
                                  capture_output=True, text=True, check=False, env=dict(os.environ))
        finally:
            with open(path, 'w') as f:
                f.write(original)
        failed = [line.split(' ', 1)[1] for line in proc.stdout.splitlines() if line.startswith('FAILED ')]
        if proc.returncode == 1 and failed:
            print('CAUGHT  %s: %s' % (name, failed[0]))
        else:
            failures.append(name)
            print('MISSED  %s: pytest exit %d\n%s' % (name, proc.returncode, proc.stdout[-2000:]))
        sys.stdout.flush()
    if failures:
        print('nets: %d not caught: %s' % (len(failures), '; '.join(failures)))
        return 1
    print('nets: every net removed was caught by a test')
    return 0


if __name__ == '__main__':
    sys.exit(main())
