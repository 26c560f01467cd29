# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The adopt playbook's YAML round trip: inventory vars files rewritten with their comments kept.

``render_vars`` sets the adopted variables of one vars file (``_libvirt_adopt_plan``'s wanted values) in
its text, keeping everything else of it (comments, other variables, order, quoting, indentation);
``render_report`` writes the report; ``read_text``, ``write_text`` and ``remove_file`` read, atomically
replace and remove the files on the controller.  ruamel.yaml is a dependency of the adopt playbook only,
on the controller: it is imported by this file, which only the libvirt_uri_vars action imports
(``HAS_RUAMEL`` says whether it could be).
"""

from __future__ import annotations

import io
import os
import re
import tempfile

from ansible.module_utils.common.text.converters import to_native

try:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.representer import RoundTripRepresenter
    from ruamel.yaml.scalarstring import SingleQuotedScalarString
    from ruamel.yaml.util import load_yaml_guess_indent
except ImportError:
    HAS_RUAMEL = False
else:
    HAS_RUAMEL = True

try:
    import yaml as pyyaml
except ImportError:
    pyyaml = None

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_adopt_plan import (
    ADOPTED_VARS, NULL, USERS_VAR,
)

JINJA_MARK = re.compile(r'\{[{%#]')

NEW_FILE_COMMENT = (
    'libvirt client settings adopted from the hosts by virtkit.libvirt_client.adopt.\n'
    'Adopting again rewrites only libvirt_uri_default, libvirt_uri_aliases,\n'
    'libvirt_uri_users and libvirt_uri_users_inherit here; comments and other\nvariables are kept.'
)
REPORT_COMMENT = (
    'Report of the last run of virtkit.libvirt_client.adopt (rewritten by every run).\n'
    'Nothing listed under malformed, not_adopted or unusable_files was adopted:\n'
    'the role leaves those entries and files as they are.'
)

# -- YAML round trip -----------------------------------------------------------------------------

if HAS_RUAMEL:
    class _Representer(RoundTripRepresenter):
        def represent_none(self, data):
            return self.represent_scalar('tag:yaml.org,2002:null', 'null')

    _Representer.add_representer(type(None), _Representer.represent_none)


def _plain(value):
    """A loaded round-trip value as plain Python data, for comparisons."""
    if HAS_RUAMEL and isinstance(value, TaggedScalar):
        return value.value
    if isinstance(value, dict):
        return dict((_plain(k), _plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _want(value):
    """The wanted value of a variable as plain data (NULL marks an explicit null)."""
    if value is NULL:
        return None
    return value


def _scalar(text):
    """A string as a YAML scalar that Ansible reads back as exactly this string."""
    if JINJA_MARK.search(text):
        return TaggedScalar(value=text, style="'", tag='!unsafe')
    if pyyaml is not None:
        resolver = pyyaml.resolver.Resolver()
        if resolver.resolve(pyyaml.nodes.ScalarNode, text, (True, False)) != 'tag:yaml.org,2002:str':
            return SingleQuotedScalarString(text)
    if text == '' or text != text.strip():
        return SingleQuotedScalarString(text)
    return text


def _node(value):
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[_scalar(key)] = _node(item)
        return out
    if isinstance(value, list):
        out = CommentedSeq()
        for item in value:
            out.append(_node(item))
        return out
    if isinstance(value, str):
        return _scalar(value)
    return value


def _merge_map(old, new):
    """Update the round-trip mapping ``old`` to hold ``new`` (plain dict), keeping what already matches."""
    for key in list(old.keys()):
        if _plain(key) not in new:
            del old[key]
    keys = [_plain(k) for k in old.keys()]
    if keys != [k for k in new if k in keys]:
        return _node(new)
    lookup = dict((_plain(k), k) for k in old.keys())
    for index, (key, value) in enumerate(new.items()):
        if key in lookup:
            current = old[lookup[key]]
            if _plain(current) != value:
                if isinstance(value, dict) and isinstance(current, CommentedMap):
                    old[lookup[key]] = _merge_map(current, value)
                else:
                    old[lookup[key]] = _node(value)
        else:
            old.insert(index, _scalar(key), _node(value))
    return old


def _merge_users(old, new):
    """Update the round-trip list of user entries, reusing entries of the same user."""
    if not isinstance(old, CommentedSeq):
        return _node(new)
    by_user = {}
    for item in old:
        if isinstance(item, CommentedMap) and 'user' in item:
            by_user.setdefault(_plain(item['user']), item)
    out = CommentedSeq()
    for entry in new:
        current = by_user.get(entry['user'])
        if current is None:
            out.append(_node(entry))
            continue
        merged = dict(entry)
        # Keys of the entry that adopting does not manage (exclusive, ...) stay as they are.
        for key in current:
            name = _plain(key)
            if name not in ('user', 'xdg_config_home', 'default', 'aliases'):
                merged[name] = _plain(current[key])
        ordered = dict((_plain(k), merged[_plain(k)]) for k in current if _plain(k) in merged)
        ordered.update((k, v) for k, v in merged.items() if k not in ordered)
        out.append(_merge_map(current, ordered))
    if _plain(out) == _plain(old) and len(out) == len(old):
        return old
    return out


def _yaml(indent=2, block_seq_indent=0):
    y = YAML()
    y.Representer = _Representer
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=indent, sequence=indent + block_seq_indent, offset=block_seq_indent)
    return y


def render_vars(path, text, wanted):
    """(new text, changed): ``text`` (None for a missing file) with the adopted variables set to ``wanted``.

    ``wanted`` maps each adopted variable to its value, ``NULL`` for an explicit null, or None to remove it.
    Everything else of the file (comments, other variables, order, quoting, indentation) is kept.
    """
    present = dict((k, _want(v)) for k, v in wanted.items() if v is not None)
    if text is None:
        if not present:
            return None, False
        data = CommentedMap()
        for key in ADOPTED_VARS:
            if key in present:
                data[key] = _node(present[key])
        data.yaml_set_start_comment(NEW_FILE_COMMENT)
        y = _yaml()
        y.explicit_start = True
        buf = io.StringIO()
        y.dump(data, buf)
        return buf.getvalue(), True
    try:
        dummy, indent, block_seq_indent = load_yaml_guess_indent(text)
        loaded = _yaml(indent or 2, block_seq_indent or 0).load(text)
    except YAMLError as exc:
        raise Refusal('%s is not valid YAML, so it is left untouched: %s' % (path, to_native(exc)))
    if loaded is not None and not isinstance(loaded, CommentedMap):
        raise Refusal('%s does not hold a mapping of variables, so it is left untouched' % path)
    data = loaded if loaded is not None else CommentedMap()
    changed = False
    for key in ADOPTED_VARS:
        if key not in present:
            if key in data:
                del data[key]
                changed = True
            continue
        value = present[key]
        if key in data and _plain(data[key]) == value and (value is not None or data[key] is None):
            continue
        changed = True
        if key in data and isinstance(data[key], CommentedMap) and isinstance(value, dict):
            data[key] = _merge_map(data[key], value)
        elif key in data and key == USERS_VAR and isinstance(value, list):
            data[key] = _merge_users(data[key], value)
        else:
            data[key] = _node(value)
    if not changed:
        return text, False
    y = _yaml(indent or 2, block_seq_indent or 0)
    y.explicit_start = bool(re.match(r'\A(?:#[^\n]*\n|\s*\n)*---', text))
    buf = io.StringIO()
    if loaded is None:
        # Only comments (or nothing): keep them above the new variables.
        y.explicit_start = False
        y.dump(data, buf)
        head = text if text.endswith('\n') or text == '' else text + '\n'
        return head + buf.getvalue(), True
    y.dump(data, buf)
    return buf.getvalue(), buf.getvalue() != text


def render_report(report):
    y = _yaml()
    y.explicit_start = True
    data = _node(report)
    data.yaml_set_start_comment(REPORT_COMMENT)
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


# -- the files, on the controller -----------------------------------------------------------------

def read_text(path):
    """The UTF-8 text of ``path``, or None when it does not exist."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Refusal('cannot read %s: %s' % (path, exc.strerror))
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        raise Refusal('%s is not UTF-8 text, so it is left untouched' % path)


def remove_file(path):
    """Remove ``path`` if it exists."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise Refusal('cannot remove %s: %s' % (path, exc.strerror or exc))


def write_text(path, text):
    """Replace ``path`` by ``text`` atomically (its mode kept; 0644 less the umask for a new file)."""
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o644 & ~mask
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8', newline='') as f:
                f.write(text)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise Refusal('cannot write %s: %s' % (path, exc.strerror or exc))
