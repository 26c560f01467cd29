# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the cosmic-ray configuration of one mutation session (used by tests/mutation/run.sh).

    configure.py NAME OUT.toml
    configure.py NAME --command      (prints the session's test command)

NAME is a key of SESSIONS: the file mutated, the functions of it whose
lines are mutated (None: the whole file) and the tests run against each
mutant.  Line ranges are computed from the source, so they follow the code.
"""

import ast
import sys

# One representative replacement per operator site: cosmic-ray replaces each
# binary operator by every other one, and each comparison by every other one,
# which mostly repeats the same question ("is this operator tested?").
KEEP_BINARY = ('Mod_Add', 'BitOr_BitAnd', 'Add_Sub', 'Sub_Add', 'Mult_Add', 'FloorDiv_Mult', 'Div_Mult')
KEEP_COMPARISON = ('Eq_NotEq', 'NotEq_Eq', 'Lt_LtE', 'LtE_Lt', 'Gt_GtE', 'GtE_Gt', 'Is_IsNot', 'IsNot_Is',
                   'In_NotIn', 'NotIn_In')
EXCLUDE_OPERATORS = [
    r'core/ReplaceBinaryOperator_(?!(%s)$)' % '|'.join(KEEP_BINARY),
    r'core/ReplaceComparisonOperator_(?!(%s)$)' % '|'.join(KEEP_COMPARISON),
    r'core/ReplaceUnaryOperator_USub_',
]

# The fast-path property test runs 60 examples per mutant instead of 300.
PYTEST = 'env VK_FAST_PATH_EXAMPLES=60 python -m pytest -x -q -p no:cacheprovider -n 0 '
FILE_TESTS = [
    'tests/reliability/test_file_target.py',
    'tests/reliability/test_module_contract.py',
    'tests/reliability/test_safety_nets.py',
    'tests/reliability/test_faults.py',
    'tests/reliability/test_hostile_users.py',
    'tests/reliability/test_crashes.py',
    'tests/reliability/test_concurrency.py::test_module_waits_for_the_directory_lock',
    '--deselect tests/reliability/test_safety_nets.py::test_fast_path_skips_only_edits_that_change_nothing',
    '--deselect tests/reliability/test_crashes.py::test_sigkill_at_random_moments',
]
ALIAS_TESTS = [
    'tests/reliability/test_module_contract.py',
    'tests/reliability/test_safety_nets.py',
    'tests/reliability/test_faults.py::test_non_utf8_and_nul_files_are_left_untouched',
    'tests/reliability/test_faults.py::test_control_characters_the_lens_cannot_write_are_refused',
    'tests/reliability/test_file_target.py',
]

SESSIONS = {
    'files': ('plugins/module_utils/_libvirt_files.py', None, FILE_TESTS),
    'write': ('plugins/module_utils/_libvirt_atomic_write.py', None, FILE_TESTS),
    'alias': ('plugins/module_utils/_libvirt_update.py',
              ('load', 'needs_change', 'summarize', 'check_spec', 'apply'),
              ALIAS_TESTS),
    'rewrite': ('plugins/module_utils/_libvirt_lens_edit.py', ('edit', 'verify', 'edit_text'), ALIAS_TESTS),
}


def line_ranges(path, functions):
    with open(path) as f:
        tree = ast.parse(f.read())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            found[node.name] = '%d-%d' % (node.lineno, node.end_lineno)
    missing = set(functions) - set(found)
    if missing:
        raise SystemExit('configure.py: %s has no function %s' % (path, ', '.join(sorted(missing))))
    return [found[name] for name in functions]


def toml_list(items):
    return '[%s]' % ', '.join('"%s"' % item.replace('\\', '\\\\') for item in items)


def main():
    name, out = sys.argv[1:3]
    path, functions, tests = SESSIONS[name]
    if out == '--command':
        print(PYTEST + ' '.join(tests))
        return
    lines = ['[cosmic-ray]',
             'module-path = "%s"' % path,
             'timeout = 180.0',
             'excluded-modules = []',
             'test-command = "%s"' % (PYTEST + ' '.join(tests)),
             '',
             '[cosmic-ray.distributor]',
             'name = "local"',
             '',
             '[cosmic-ray.filters.operators-filter]',
             'exclude-operators = %s' % toml_list(EXCLUDE_OPERATORS),
             '']
    if functions:
        lines += ['[cosmic-ray.filters.line-filter.lines]',
                  '"%s" = %s' % (path, toml_list(line_ranges(path, functions))), '']
    with open(out, 'w') as f:
        f.write('\n'.join(lines))


if __name__ == '__main__':
    main()
