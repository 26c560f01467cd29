# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The audit behind libvirt_uri_info: which files to read (the system file, the accounts' files,
extra paths) and with which identity, what libvirt makes of each (validity, aliases, duplicates,
malformed entries, the default connection, each name's resolution, remote settings), what plain
virsh connects to after an account's login, the URI findings, and the options that select them.

``run(params)`` returns the module's ``configs`` and its warnings; O(verify_with_virsh) is handed to
``_libvirt_virsh_check``, imported only when it is asked for.
"""

import json
import os
import pwd
import shutil

from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_env as libvirt_env
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_login_pam as libvirt_login_pam
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_findings as libvirt_findings
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_accounts as accounts_rule
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_login_xdg as login_xdg
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_as_user import as_account, as_user
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_resolve import resolve
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError, effective_remote_mode,
)

ALIASES_KEY = 'uri_aliases'
DEFAULT_KEY = 'uri_default'
ENV_KEY = 'LIBVIRT_DEFAULT_URI'
PROBE_SYSTEM = 'qemu:///system'
PROBE_SESSION = 'qemu:///session'


# -- reading -------------------------------------------------------------------------------------

def _encode_outcome(path):
    """read_file(path) as a JSON-able dict (used directly, or in a child with the user's identity)."""
    try:
        loaded = libvirt_conf.read_file(path)
    except libvirt_conf.ConfSyntaxError as exc:
        return {'kind': 'syntax', 'line': exc.line, 'what': exc.what}
    except libvirt_conf.ConfError as exc:
        # libvirt's own failures to open or read; anything else is a file this parser does not take.
        kind = 'error' if exc.message.startswith('Failed to ') else 'unsupported'
        return {'kind': kind, 'message': exc.message}
    if loaded is None:
        return {'kind': 'missing'}
    return {'kind': 'text', 'text': loaded[0]}


def _read_as_user(path, pw):
    """_encode_outcome(path) computed by a child process running with the identity of ``pw``."""
    return as_user(pw, lambda: _encode_outcome(path), path)


def load(path, pw=None):
    """(outcome, read_as): read ``path`` like libvirt, as the user ``pw`` when possible."""
    euid = os.geteuid()
    if pw is not None and euid == 0 and pw.pw_uid != 0:
        return _read_as_user(path, pw), pw.pw_name
    if pw is not None and pw.pw_uid == euid:
        return _encode_outcome(path), pw.pw_name
    try:
        me = pwd.getpwuid(euid).pw_name
    except KeyError:
        me = str(euid)
    return _encode_outcome(path), me


# -- reporting -----------------------------------------------------------------------------------

def _resolution(name, entries, path, env_default):
    try:
        return {'uri': resolve(name, entries=entries, path=path, env_default=env_default)}
    except libvirt_conf.ConfError as exc:
        return {'error': exc.message}


def _default_uri(entries, path, env_default, probe):
    """What a connection without a URI gets, with the setting that named it."""
    if env_default:
        source = 'environment'
    elif libvirt_conf.get_value(entries, DEFAULT_KEY) is not None:
        source = DEFAULT_KEY
    else:
        # libvirt leaves the choice to the daemon without looking at the aliases.
        return {'uri': probe, 'source': 'probe'}
    result = _resolution(None, entries, path, env_default)
    result['source'] = source
    return result


def _broken_reason(path, message):
    return ('Every libvirt connection that reads %s fails, even one given an explicit URI: %s' % (path, message))


def _malformed_reason(path, first, working):
    sentence = ('Every libvirt connection that reads %s and is given a URI, or a name no earlier alias has, fails '
                'with "%s" (line %d)' % (path, first['message'], first['line']))
    if working:
        sentence += '; only the aliases listed before that entry still work: %s' % ', '.join(working)
    sentence += ('. A connection without a URI fails the same way when LIBVIRT_DEFAULT_URI or uri_default names '
                 'something other than one of those aliases, and gets the probe answer when neither is set.')
    return sentence


def _describe_remote(config, entries):
    """The file's remote_mode and remote_proxy, and the mode libvirt uses for each alias's URI."""
    for key in ('remote_mode', 'remote_proxy'):
        value = libvirt_conf.get_value(entries, key)
        config[key] = value.value if value is not None else None
    config['alias_modes'] = {}
    for alias in config['aliases']:
        if alias['name'] in config['alias_modes']:
            continue
        try:
            config['alias_modes'][alias['name']] = effective_remote_mode(alias['uri'], config['remote_mode'])
        except URIError:
            config['alias_modes'][alias['name']] = None


def describe(scope, user, path, outcome, read_as, probe, names, env_default):
    config = {
        'scope': scope, 'user': user, 'path': path, 'read_as': read_as,
        'exists': True, 'readable': True, 'valid': True, 'error': None,
        'aliases': [], 'uri_default': None, 'remote_mode': None, 'remote_proxy': None, 'alias_modes': {},
        'duplicates': {'aliases': [], 'uri_default': False},
        'malformed': [], 'broken': False, 'broken_reason': None,
        'default_uri': None, 'resolutions': {},
    }
    kind = outcome['kind']
    if kind == 'missing':
        config['exists'] = False
        config['readable'] = False
        entries = []
    elif kind == 'text':
        entries = libvirt_conf.parse(outcome['text'], path)
    else:
        if kind == 'syntax':
            failure = libvirt_conf.ConfSyntaxError(path, outcome['line'], outcome['what']).message
            config['valid'] = False
        else:
            failure = outcome['message']
            config['readable'] = kind == 'unsupported'
            config['valid'] = False if kind == 'error' else None
        config['error'] = failure
        if kind in ('syntax', 'error'):
            config['broken'] = True
            config['broken_reason'] = _broken_reason(path, failure)
        else:
            # Not UTF-8 text, or the user's identity could not be taken: what libvirt makes of the
            # file is not known.
            config['broken'] = None
        config['default_uri'] = {'error': failure, 'source': None}
        for name in names:
            config['resolutions'][name] = {'error': failure}
        return config

    try:
        items = libvirt_conf.get_string_list(entries, ALIASES_KEY, path)
    except libvirt_conf.ConfError as exc:
        items = None
        config['valid'] = False
        config['error'] = exc.message
        config['broken'] = True
        config['broken_reason'] = (
            'Every libvirt connection that reads %s and is given a URI or a name fails: %s. A connection without '
            'a URI fails the same way when LIBVIRT_DEFAULT_URI or uri_default names one, and gets the probe '
            'answer otherwise.' % (path, exc.message))

    counts = {}
    order = []
    working = []
    if items is not None:
        value = libvirt_conf.get_value(entries, ALIASES_KEY)
        for item, text in zip(value.value, items):
            try:
                name, uri = libvirt_conf.split_alias_entry(text)
            except libvirt_conf.ConfError as exc:
                config['malformed'].append({'entry': text, 'line': item.line, 'message': exc.message})
                continue
            config['aliases'].append({'name': name, 'uri': uri, 'line': item.line})
            if not config['malformed'] and name not in working:
                working.append(name)
            if name not in counts:
                order.append(name)
            counts[name] = counts.get(name, 0) + 1
    config['duplicates']['aliases'] = [name for name in order if counts[name] > 1]
    config['duplicates']['uri_default'] = len([e for e in entries if e.name == DEFAULT_KEY]) > 1
    if config['malformed']:
        config['broken'] = True
        config['broken_reason'] = _malformed_reason(path, config['malformed'][0], working)

    _describe_remote(config, entries)
    default = libvirt_conf.get_value(entries, DEFAULT_KEY)
    if default is not None and default.type == 'string':
        config['uri_default'] = default.value
    config['default_uri'] = _default_uri(entries, path, env_default, probe)
    for name in order + [n for n in names if n not in counts]:
        if name:
            config['resolutions'][name] = _resolution(name, entries, path, env_default)
        else:
            # An empty name is no name: the default connection.
            config['resolutions'][name] = dict((key, value) for key, value in config['default_uri'].items()
                                               if key != 'source')
    return config


# -- the login environment and findings -----------------------------------------------------------

def display_path(path, pw):
    """``path`` as ~user/... when it lies in the home of ``pw`` (not root's)."""
    if pw is not None and pw.pw_uid != 0 and pw.pw_dir and os.path.isabs(pw.pw_dir):
        home = os.path.normpath(pw.pw_dir)
        if path.startswith(home + os.sep):
            return '~%s/%s' % (pw.pw_name, path[len(home) + 1:])
    return path


def _entries_of(outcome, path):
    if outcome['kind'] == 'text':
        return libvirt_conf.parse(outcome['text'], path)
    if outcome['kind'] == 'missing':
        return []
    return None


def _stats(pw, paths):
    """uri_findings' stat() answers for ``paths``, with the identity of ``pw`` when given."""
    paths = sorted(set(paths))
    if not paths:
        return {}

    def work():
        return dict((p, libvirt_findings.os_stat(p)) for p in paths)
    if pw is None:
        answers = work()
    else:
        answers = as_account(pw, work, 'the files the URIs name')
        if answers.get('kind') == 'identity':
            answers = {}
    return dict((p, tuple(v) if v is not None else None) for p, v in answers.items() if p in paths)


def login_of(pw, service, scan, explicit, default_path):
    """The account's login walk and the libvirt.conf it makes libvirt read.

    {'analysis', 'answer', 'path', 'config_file'}: ``answer`` is _libvirt_login_xdg.classify()'s when the
    login may move XDG_CONFIG_HOME (None for root, an explicit O(xdg_config_home), or a login whose files
    never name it: then its XDG_CONFIG_HOME events are dropped); ``path`` the file to read (the default
    one when the moved one cannot be told); ``config_file`` what ``effective.source`` says of it.
    """
    analysis = login_xdg.walk(pw, service)
    answer = None
    if analysis.get('kind') != 'identity':
        if pw.pw_uid == 0 or explicit or not scan.may_move(pw):
            analysis = libvirt_env.without_xdg(analysis)
        else:
            answer = login_xdg.classify(pw, libvirt_env.xdg_setting(analysis))
            if answer['kind'] == 'default':
                answer = None
    path = answer['path'] if answer is not None and answer['path'] else default_path
    moved_by = None
    if answer is not None:
        moved_by = {'variable': libvirt_env.XDG_VAR, 'value': answer['xdg_config_home'], 'file': answer['file'],
                    'line': answer['line']}
    return {'analysis': analysis, 'answer': answer, 'path': path,
            'config_file': {'path': path if answer is None or answer['path'] else None, 'moved_by': moved_by}}


def _config_file_findings(effective, login, managed, pw):
    """The finding and warning when the login moves the file away from the one the collection manages."""
    answer = login['answer']
    if answer is None:
        return []
    shown = display_path(managed, pw)
    if answer['path']:
        rule = 'config-file-moved'
        message = ("libvirt reads %s, not %s: XDG_CONFIG_HOME='%s' is set in %s:%s, so settings written to %s do "
                   "not reach this account" % (display_path(answer['path'], pw), shown, answer['xdg_config_home'],
                                               answer['file'], answer['line'], shown))
    else:
        rule = 'config-file-unknown'
        message = 'which libvirt.conf is read cannot be told (%s); %s may not be the one in use' % (
            answer['reason'], shown)
        effective.update(uri=None, error=None, summary=answer['reason'],
                         source={'kind': 'dynamic', 'variable': libvirt_env.XDG_VAR, 'value': None,
                                 'file': answer['file'], 'line': answer['line'], 'reason': answer['reason'],
                                 'config_file': None, 'moved_by': login['config_file']['moved_by']})
    effective['findings'].append({'severity': 'medium', 'alias': None, 'rule': rule, 'message': message})
    return ['%s: %s' % (pw.pw_name, message)]


def add_effective_and_findings(config, outcome, pw, probe, service, verifier=None, login=None):
    """Add ``effective`` (for an account), ``findings`` and ``verification`` to ``config``; returns the warnings.

    ``verifier``: a VirshVerifier when O(verify_with_virsh) is set, else None; ``login``: login_of()'s
    answer for ``pw`` (computed here when None).
    """
    path = config['path']
    entries = _entries_of(outcome, path)
    home = pw.pw_dir if pw is not None else None
    uri_default = None
    if entries is not None and config['uri_default'] is not None:
        value = libvirt_conf.get_value(entries, DEFAULT_KEY)
        uri_default = {'value': config['uri_default'], 'file': display_path(path, pw), 'line': value.line}
    alias_names = set(a['name'] for a in config['aliases'])

    def resolve_default(env_default, virsh_default):
        if entries is None:
            return {'error': config['error']}
        try:
            return {'uri': resolve(None, entries=entries, path=path, env_default=env_default,
                                   virsh_default=virsh_default, probe=probe)}
        except libvirt_conf.ConfError as exc:
            return {'error': exc.message}

    warnings = []
    effective = None
    if pw is not None:
        if login is None:
            login = login_of(pw, service, login_xdg.Scan(), False, path)
        analysis = login['analysis']
        if analysis.get('kind') == 'identity':
            effective = {'uri': None, 'error': analysis['message'], 'summary': analysis['message'],
                         'source': None, 'shadowed': [], 'cannot_tell': [], 'not_applied': [],
                         'not_followed': [], 'notes': [], 'session': None, 'other_clients': None}
        else:
            effective = libvirt_env.effective(analysis, resolve_default, uri_default, login['config_file'])
        source = effective['source'] or {}
        if uri_default and source.get('kind') == 'environment':
            warnings.append("%s: uri_default '%s' of %s is hidden by %s" % (
                pw.pw_name, uri_default['value'], uri_default['file'], effective['summary']))
        elif uri_default and source.get('kind') == 'dynamic':
            warnings.append("%s: uri_default '%s' of %s may be hidden: %s" % (
                pw.pw_name, uri_default['value'], uri_default['file'], effective['summary']))

    # Findings: the aliases, the default when no alias of the file names it, and the environment's URI.
    default = config['default_uri'] or {}
    default_alias = None
    if default.get('source') == DEFAULT_KEY and config['uri_default'] in alias_names:
        default_alias = config['uri_default']
    targets = [a['uri'] for a in config['aliases']]
    if default.get('uri') and default.get('source') != 'probe':
        targets.append(default['uri'])
    env_uri = None
    if effective is not None and effective.get('uri') and (effective['source'] or {}).get('kind') == 'environment':
        if effective['source']['value'] not in alias_names:
            env_uri = effective['uri']
            targets.append(env_uri)
    paths = []
    for uri in targets:
        paths.extend(libvirt_findings.uri_paths(uri, home))
    stats = _stats(pw, paths)
    stat = stats.get
    findings = libvirt_findings.config_findings(
        config['aliases'], default.get('uri') if default.get('source') not in (None, 'probe') else None,
        default_alias, stat=stat, home=home)
    config['findings'] = findings
    if effective is not None:
        effective['findings'] = libvirt_findings.uri_findings(env_uri, None, stat, home) if env_uri else []
        if config['scope'] == 'user':
            warnings.extend(_config_file_findings(effective, login, config.get('managed_path') or path, pw))
    config['effective'] = effective
    config['verification'] = None
    if verifier is not None and pw is not None:
        def predict():
            analysis = login_xdg.walk(pw, verifier.SERVICE)
            if analysis.get('kind') == 'identity':
                return {'uri': None, 'error': analysis['message'], 'source': None}
            if login['answer'] is None:
                analysis = libvirt_env.without_xdg(analysis)
            return libvirt_env.effective(analysis, resolve_default, uri_default, login['config_file'])
        config['verification'] = verifier.verify(pw, config, predict)
    return warnings


# -- options -------------------------------------------------------------------------------------

def env_default_of(environment):
    if environment is None:
        return None
    value = environment.get(ENV_KEY)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refusal('environment %s must be a string, got %s (%r)' % (ENV_KEY, type(value).__name__, value))
    return to_text(value)


def user_file(user, xdg):
    """(passwd entry, path) of the file libvirt reads for ``user``."""
    try:
        pw = libvirt_files.lookup_user(user)
    except libvirt_files.FileError as exc:
        raise Refusal(to_native(exc))
    if pw.pw_uid != 0:
        try:
            libvirt_files.check_xdg_config_home(xdg, pw.pw_name)
        except libvirt_files.FileError as exc:
            raise Refusal(to_native(exc))
        if not os.path.isabs(pw.pw_dir):
            raise Refusal("user '%s' has a home directory that is not absolute: '%s'" % (pw.pw_name, pw.pw_dir))
    return pw, libvirt_files.config_path(pw.pw_uid, os.path.normpath(pw.pw_dir),
                                         os.path.normpath(xdg) if xdg else None)


def selected_accounts(params):
    """The accounts of O(users_from_group) and O(all_users) that O(users) does not list, as the role selects them."""
    try:
        listed = set(libvirt_files.lookup_user(user).pw_uid for user in params['users'] or [])
        more = accounts_rule.select((), params.get('users_from_group') or '', params.get('all_users'))
    except (libvirt_files.FileError, accounts_rule.SelectionError) as exc:
        raise Refusal(to_native(exc))
    return [pw for pw in more if pw.pw_uid not in listed]


def run(params, accounts=None, run_command=None):
    """(configs, warnings).

    ``accounts``: passwd entries to report besides O(users); ``run_command``: AnsibleModule.run_command,
    needed for O(verify_with_virsh).
    """
    env_default = env_default_of(params['environment'])
    service = params.get('pam_service') or libvirt_login_pam.DEFAULT_SERVICE
    if '/' in service or service in ('.', '..') or not os.path.isfile(os.path.join(libvirt_login_pam.PAM_DIR, service)):
        raise Refusal("pam_service must be the name of a file in %s, got %r" % (libvirt_login_pam.PAM_DIR, service))
    xdg = params['xdg_config_home'] or {}
    users = params['users'] or []
    unknown = sorted(set(xdg) - set(users))
    if unknown:
        raise Refusal('xdg_config_home names %s, which %s not in users (%s)'
                      % (', '.join("'%s'" % u for u in unknown), 'is' if len(unknown) == 1 else 'are',
                         ', '.join(users) or 'empty'))
    names = []
    for name in params['names'] or []:
        if name not in names:
            names.append(name)

    jobs = []
    if params['system']:
        jobs.append(('system', None, libvirt_files.system_path(), None, PROBE_SYSTEM, False))
    for user in users:
        pw, path = user_file(user, xdg.get(user))
        jobs.append(('user', pw.pw_name, path, pw, PROBE_SYSTEM if pw.pw_uid == 0 else PROBE_SESSION,
                     bool(xdg.get(user))))
    for pw in accounts or []:
        dummy, path = user_file(pw.pw_name, None)
        jobs.append(('user', pw.pw_name, path, pw, PROBE_SYSTEM if pw.pw_uid == 0 else PROBE_SESSION, False))
    for path in params['paths'] or []:
        if not path:
            raise Refusal('paths holds an empty path')
        jobs.append(('path', None, os.path.abspath(path), None, PROBE_SYSTEM, False))

    verifier = None
    skipped = None
    if params.get('verify_with_virsh'):
        from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_virsh_check import make_verifier
        verifier, skipped = make_verifier(run_command)
    try:
        return _report(jobs, names, env_default, service, verifier, skipped)
    finally:
        if verifier is not None:
            shutil.rmtree(verifier.workdir, ignore_errors=True)


def _report(jobs, names, env_default, service, verifier, skipped):
    configs = []
    warnings = []
    scan = login_xdg.Scan()
    for scope, user, managed, pw, probe, explicit in jobs:
        account = pw
        if scope == 'system':
            account = pwd.getpwuid(0)
        elif scope == 'path':
            account = None
        login = login_of(account, service, scan, explicit, managed) if account is not None else None
        path = login['path'] if login is not None else managed
        outcome, read_as = load(path, pw)
        config = describe(scope, user, path, outcome, read_as, probe, names, env_default)
        config['managed_path'] = managed if scope == 'user' else None
        warnings.extend(add_effective_and_findings(config, outcome, account, probe, service, verifier, login))
        if skipped and account is not None:
            config['verification'] = {'ran': False, 'reason': skipped, 'session': None, 'checks': [],
                                      'agree': None}
        configs.append(config)
    return configs, warnings


def disagreements(configs):
    """One line per check of O(verify_with_virsh) where virsh and the prediction differ."""
    found = []
    for config in configs:
        verification = config.get('verification') or {}
        for check in verification.get('checks', []):
            if check['agree'] is False:
                found.append('%s: %s: predicted %s, virsh says %s' % (
                    config['user'] or 'root', check['name'] if check['name'] is not None else 'the default',
                    json.dumps(check['predicted'], sort_keys=True), json.dumps(check['virsh'], sort_keys=True)))
    return found
