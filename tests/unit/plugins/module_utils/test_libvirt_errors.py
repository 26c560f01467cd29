# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every error the collection raises derives from LibvirtClientError, with its message and the rule it broke."""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_errors as errors
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_conf import ConfError, ConfSyntaxError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_rules import RuleError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import URIError, parse_uri


@pytest.mark.parametrize('error, message, rule', [
    (errors.Refusal("alias name 'a b' is not valid"), "alias name 'a b' is not valid", 'refused'),
    (errors.FileError("'/x' is a symbolic link"), "'/x' is a symbolic link", 'file'),
    (errors.SelectionError("group 'g' does not exist"), "group 'g' does not exist", 'selection'),
    (errors.LensError('no parse'), 'no parse', 'lens'),
    (errors.MissingAugeas('Traceback ...'), 'python-augeas cannot be imported', 'augeas'),
    (errors.Refusal('x', rule='config'), 'x', 'config'),
    (ConfError('internal error: bad', path='/p', detail='bad'), 'internal error: bad', 'config'),
    (ConfSyntaxError('/p', 3, 'expecting a value'),
     'configuration file syntax error: /p:3: expecting a value', 'config'),
    (RuleError('uri_default must be a string'), 'uri_default must be a string', 'value'),
])
def test_message_and_rule(error, message, rule):
    assert isinstance(error, errors.LibvirtClientError)
    assert (str(error), error.message, error.rule) == (message, message, rule)


def test_uri_errors_carry_the_rule_of_the_uri_checks():
    with pytest.raises(errors.LibvirtClientError) as caught:
        parse_uri('qemu://system')
    assert isinstance(caught.value, (URIError, ValueError))
    assert caught.value.rule == 'missing-slash'
    assert str(caught.value) == caught.value.message


def test_missing_augeas_keeps_the_traceback():
    assert errors.MissingAugeas('Traceback (most recent call last): ...').traceback.startswith('Traceback')


def test_configs_are_the_two_files_a_module_edits():
    assert errors.CONFIGS == ('client', 'admin')
