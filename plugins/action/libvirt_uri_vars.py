# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller side of virtkit.libvirt_client.libvirt_uri_vars (documented in plugins/modules/)."""

from __future__ import annotations

import io
import os
import re
import tempfile

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.inventory.manager import IGNORED as INVENTORY_IGNORED
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text
from ansible.plugins.action import ActionBase

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

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_rules as rules
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal

VARS_FILE = 'libvirt_uri.yml'
DEFAULT_VAR = 'libvirt_uri_default'
ALIASES_VAR = 'libvirt_uri_aliases'
USERS_VAR = 'libvirt_uri_users'
# Adopted users' files hold exactly what was found: they must not inherit the system file's settings too.
INHERIT_VAR = 'libvirt_uri_users_inherit'
ADOPTED_VARS = (DEFAULT_VAR, ALIASES_VAR, USERS_VAR, INHERIT_VAR)

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

# The report's name ends in .txt, an extension ansible skips in an inventory directory (INVENTORY_IGNORE_EXTS):
# DEST is usually the inventory's own directory, and ansible would read a .yml report there as an inventory source
# (a group named "hosts", and a warning for every other key, on every run).
REPORT_NAME = 'libvirt_uri_adopt_report.txt'
# Its name in 0.1.0: a report of that name that this action wrote (it starts with OLD_REPORT_START) is removed by
# a run with the default name.
OLD_REPORT_NAME = 'libvirt_uri_adopt_report.yml'
OLD_REPORT_START = '---\n# Report of the last run of virtkit.libvirt_client.adopt (rewritten by every run).\n'

ARGUMENT_SPEC = dict(
    dest=dict(type='path', required=True),
    results=dict(type='dict', required=True),
    users=dict(type='list', elements='raw', default=[]),
    report=dict(type='str', default=REPORT_NAME),
)


class _Null:
    """Marks a variable that must be written as an explicit null."""

    def __repr__(self):
        return 'null'


NULL = _Null()


# -- what the role can write back unchanged ------------------------------------------------------

def uri_problem(uri):
    """Why the role (or its module) would refuse ``uri`` as an alias target or default, or None."""
    try:
        rules.check_uri(uri)
    except rules.RuleError as exc:
        return 'refused by the module: %s' % exc.message
    return None


def file_view(config):
    """What can be adopted from one libvirt_uri_info entry, and what cannot.

    Returns a dict: ``usable`` (False when libvirt cannot use the file, so nothing is adopted and the role must
    leave it alone), ``aliases`` (name -> URI, first entry of each name, file order), ``default`` (or None),
    ``not_adopted``, ``malformed`` and ``duplicates`` lists.
    """
    view = {'usable': True, 'error': None, 'aliases': {}, 'default': None, 'not_adopted': [],
            'malformed': [], 'duplicates': []}
    if config.get('error') or config.get('valid') is not True:
        view['usable'] = False
        view['error'] = config.get('error') or 'the file could not be read as the user libvirt reads it as'
        return view
    seen = set()
    for alias in config.get('aliases') or []:
        name, uri = alias.get('name'), alias.get('uri')
        if name in seen:
            if name not in view['duplicates']:
                view['duplicates'].append(name)
            continue
        seen.add(name)
        reason = None
        if not rules.is_alias_name(name):
            reason = 'the alias name is empty, which the role refuses'
        else:
            reason = uri_problem(uri)
        if reason:
            view['not_adopted'].append({'setting': 'uri_aliases', 'line': alias.get('line'),
                                        'value': '%s=%s' % (name, uri), 'reason': reason})
        else:
            view['aliases'][name] = uri
    for item in config.get('malformed') or []:
        view['malformed'].append({'line': item.get('line'), 'entry': item.get('entry'),
                                  'message': item.get('message')})
    default = config.get('uri_default')
    if default is not None:
        reason = None
        if default == '':
            reason = 'an empty uri_default makes libvirt fail; the role would remove it'
        elif rules.is_alias_name(default):
            if default not in seen:
                reason = 'names no alias of the file, which the module refuses'
        else:
            reason = uri_problem(default)
        if reason:
            view['not_adopted'].append({'setting': 'uri_default', 'value': default, 'reason': reason})
        else:
            view['default'] = default
    return view


def _shared(views, order):
    """(aliases identical on every view, default identical on every view or None)."""
    if not order:
        return {}, None
    first = views[order[0]]
    aliases = {}
    for name, uri in first['aliases'].items():
        if all(views[h]['aliases'].get(name) == uri for h in order):
            aliases[name] = uri
    defaults = set(views[h]['default'] for h in order)
    default = first['default'] if len(defaults) == 1 else None
    return aliases, default


def _conflicts(views, order, label):
    """Aliases with different URIs on different hosts."""
    out = []
    names = []
    for h in order:
        for name in views[h]['aliases']:
            if name not in names:
                names.append(name)
    for name in names:
        uris = {}
        for h in order:
            uri = views[h]['aliases'].get(name)
            if uri is not None:
                uris.setdefault(uri, []).append(h)
        if len(uris) > 1:
            out.append({'file': label, 'alias': name, 'uris': uris})
    return out


def _default_spread(views, order, label):
    values = {}
    for h in order:
        values.setdefault(views[h]['default'] if views[h]['default'] is not None else '(none)', []).append(h)
    if len(values) > 1:
        return [{'file': label, 'values': values}]
    return []


def _user_entry(user, xdg, aliases, default):
    """An entry of libvirt_uri_users, or None when it asks for nothing."""
    if not aliases and default is None:
        return None
    entry = {'user': user}
    if xdg:
        entry['xdg_config_home'] = xdg
    if default is not None:
        entry['default'] = default
    if aliases:
        entry['aliases'] = dict(aliases)
    return entry


def _norm_users(users):
    out = []
    for index, item in enumerate(users):
        if isinstance(item, str):
            user, xdg = item, None
        elif isinstance(item, dict) and isinstance(item.get('user'), str) and item.get('user'):
            user, xdg = item['user'], item.get('xdg_config_home') or None
            unknown = sorted(set(item) - set(['user', 'xdg_config_home']))
            if unknown:
                raise Refusal('users[%d] has unknown keys %s; allowed: user, xdg_config_home' % (index, unknown))
        else:
            raise Refusal('users[%d] must be a user name or a dict {user, xdg_config_home}, got %r' % (index, item))
        if xdg is not None and (not isinstance(xdg, str) or not xdg.startswith('/')):
            raise Refusal("users[%d].xdg_config_home must be an absolute path, got %r" % (index, xdg))
        if any(u == user for u, x in out):
            raise Refusal("users[%d]: user '%s' is listed twice" % (index, user))
        out.append((user, xdg))
    return out


def _native(value):
    """Plain Python data (Ansible hands over tagged subclasses of str, dict, list, int).

    Strings are copied with ``str.__str__``: ``str()`` of ansible-core 2.17's and 2.18's
    AnsibleUnsafeText returns the unsafe object itself, which ruamel.yaml cannot represent.
    """
    if isinstance(value, dict):
        return dict((_native(k), _native(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_native(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def plan(results, users):
    """(group vars, {host: host vars or None}, report) for the gathered results.

    Host vars map each adopted variable to its value, or to ``None`` for "remove the variable from the file";
    group vars likewise.  A host that was not gathered maps to None (its files are not touched).
    """
    results = _native(results)
    users = _norm_users(_native(users))
    report = {'hosts': {'adopted': [], 'unreachable': {}, 'failed': {}}, 'conflicts': [], 'defaults': [],
              'malformed': [], 'not_adopted': [], 'unusable_files': [], 'duplicates': [], 'missing_users': []}
    adopted = []
    system = {}
    per_user = dict((u, {}) for u, x in users)
    for host in sorted(results):
        result = results[host]
        if not isinstance(result, dict):
            report['hosts']['failed'][host] = 'no libvirt_uri_info result (got %r)' % (result,)
            continue
        if result.get('unreachable'):
            report['hosts']['unreachable'][host] = to_text(result.get('msg') or 'unreachable')
            continue
        if result.get('failed') or result.get('skipped') or not isinstance(result.get('configs'), list):
            why = result.get('msg') or ('skipped' if result.get('skipped') else 'no configs were reported')
            report['hosts']['failed'][host] = to_text(why)
            continue
        adopted.append(host)
        report['hosts']['adopted'].append(host)
        for config in result['configs']:
            if not isinstance(config, dict):
                continue
            if config.get('scope') == 'system':
                system.setdefault(host, (config, file_view(config)))
            elif config.get('scope') == 'user' and config.get('user') in per_user:
                per_user[config['user']].setdefault(host, (config, file_view(config)))

    def record(host, config, view):
        path = config.get('path')
        if not view['usable']:
            report['unusable_files'].append({'host': host, 'path': path, 'error': view['error']})
        for item in view['malformed']:
            report['malformed'].append(dict({'host': host, 'path': path}, **item))
        for item in view['not_adopted']:
            report['not_adopted'].append(dict({'host': host, 'path': path}, **item))
        if view['duplicates']:
            report['duplicates'].append({'host': host, 'path': path, 'aliases': view['duplicates']})

    # The system file.
    views = {}
    for host in adopted:
        if host in system:
            config, view = system[host]
            record(host, config, view)
            if view['usable']:
                views[host] = view
    ok = [h for h in adopted if h in views]
    shared_aliases, shared_default = _shared(views, ok)
    report['conflicts'].extend(_conflicts(views, ok, 'system'))
    report['defaults'].extend(_default_spread(views, ok, 'system'))
    group = {ALIASES_VAR: shared_aliases or None, DEFAULT_VAR: shared_default, USERS_VAR: None,
             INHERIT_VAR: False if users else None}
    hosts = {}
    for host in adopted:
        hv = {ALIASES_VAR: None, DEFAULT_VAR: None, USERS_VAR: None, INHERIT_VAR: None}
        if host in views:
            own = views[host]
            if own['aliases'] != shared_aliases:
                hv[ALIASES_VAR] = dict(own['aliases'])
            if own['default'] != shared_default:
                hv[DEFAULT_VAR] = own['default'] if own['default'] is not None else NULL
        else:
            # Unusable or unreported file: the role must not manage it at all.
            if shared_aliases:
                hv[ALIASES_VAR] = {}
            if shared_default is not None:
                hv[DEFAULT_VAR] = NULL
        hosts[host] = hv

    # Users' files.
    group_users = []
    own_users = dict((h, []) for h in adopted)
    for user, xdg in users:
        uviews = {}
        for host in adopted:
            if host not in per_user[user]:
                report['missing_users'].append({'host': host, 'user': user})
                continue
            config, view = per_user[user][host]
            record(host, config, view)
            if view['usable']:
                uviews[host] = view
        uok = [h for h in adopted if h in uviews]
        label = 'user %s' % user
        report['conflicts'].extend(_conflicts(uviews, uok, label))
        report['defaults'].extend(_default_spread(uviews, uok, label))
        aliases, default = _shared(uviews, uok)
        entry = _user_entry(user, xdg, aliases, default)
        if entry:
            group_users.append(entry)
        for host in uok:
            entry = _user_entry(user, xdg, uviews[host]['aliases'], uviews[host]['default'])
            if entry:
                own_users[host].append(entry)
    group[USERS_VAR] = group_users or None
    for host in adopted:
        if own_users[host] != group_users:
            hosts[host][USERS_VAR] = own_users[host]

    for host in results:
        hosts.setdefault(host, None)
    return group, hosts, report


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


def read_as_inventory(path, sources):
    """The inventory directory of ``sources`` from which ansible would read ``path`` as an inventory source, or None.

    Ansible reads every file of a directory given as inventory, and of its subdirectories, but for the names its
    inventory loader ignores (``IGNORED``: names starting with a dot, group_vars, host_vars, vars_plugins, and what
    INVENTORY_IGNORE_EXTS and INVENTORY_IGNORE_PATTERNS name).
    """
    path = os.path.realpath(path)
    for source in sources:
        if not isinstance(source, str) or not os.path.isdir(source):
            continue
        rel = os.path.relpath(path, os.path.realpath(source))
        if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
            continue
        if not any(INVENTORY_IGNORED.search(to_bytes(part)) for part in rel.split(os.sep)):
            return source
    return None


def _read(path):
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


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise Refusal('cannot remove %s: %s' % (path, exc.strerror or exc))


def _write(path, text):
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


class ActionModule(ActionBase):
    """Write inventory vars files from libvirt_uri_info results, on the controller."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if not HAS_RUAMEL:
            raise AnsibleActionFail('the ruamel.yaml Python library is required on the controller '
                                    '(pip install ruamel.yaml into the Python that runs ansible-playbook)')
        dest = args['dest']
        report_name = args['report']
        if not report_name or '/' in report_name or report_name in ('.', '..'):
            raise AnsibleActionFail('report must be a file name (no directory), got %r' % report_name)
        if os.path.exists(dest) and not os.path.isdir(dest):
            raise AnsibleActionFail('dest %s exists and is not a directory' % dest)
        try:
            group, hosts, report = plan(args['results'], args['users'])
            jobs = [(os.path.join(dest, 'group_vars', 'all', VARS_FILE), group)]
            for host in sorted(hosts):
                if hosts[host] is None:
                    continue
                if host in ('.', '..') or '/' in host:
                    raise Refusal('inventory host name %r cannot name a host_vars directory' % host)
                jobs.append((os.path.join(dest, 'host_vars', host, VARS_FILE), hosts[host]))
            writes = []
            files = []
            for path, wanted in jobs:
                old = _read(path)
                new, changed = render_vars(path, old, wanted)
                if new is None:
                    continue
                files.append({'path': path, 'state': 'unchanged' if not changed else
                              ('created' if old is None else 'updated')})
                if changed:
                    writes.append((path, old, new))
            report_path = os.path.join(dest, report_name)
            old = _read(report_path)
            new = render_report(report)
            files.append({'path': report_path, 'state': 'unchanged' if old == new else
                          ('created' if old is None else 'updated')})
            if old != new:
                writes.append((report_path, old, new))
            removals = []
            if self._task.args.get('report') is None:
                old_path = os.path.join(dest, OLD_REPORT_NAME)
                old = _read(old_path)
                if old is not None and old.startswith(OLD_REPORT_START):
                    files.append({'path': old_path, 'state': 'removed'})
                    removals.append((old_path, old))
            if not self._task.check_mode:
                for path, old, new in writes:
                    _write(path, new)
                for path, old in removals:
                    _remove(path)
        except Refusal as exc:
            raise AnsibleActionFail(to_native(exc))
        inventory = read_as_inventory(report_path, (task_vars or {}).get('ansible_inventory_sources') or [])
        if inventory is not None:
            result['warnings'] = [
                'the report %s is in the inventory directory %s, so ansible reads it as an inventory source: '
                'give report a name that ends in one of %s (INVENTORY_IGNORE_EXTS), as the default %s does'
                % (report_path, inventory, ', '.join(C.INVENTORY_IGNORE_EXTS), REPORT_NAME)]
        result.update(
            changed=bool(writes or removals),
            files=files,
            report=report,
            report_path=report_path,
        )
        if self._task.diff:
            result['diff'] = [{'before_header': path, 'after_header': path, 'before': old or '', 'after': new}
                              for path, old, new in writes]
            result['diff'] += [{'before_header': path, 'after_header': path, 'before': old, 'after': ''}
                               for path, old in removals]
        return result
