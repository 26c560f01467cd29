#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: libvirt_uri_info
short_description: Report libvirt URI aliases, C(uri_default) and what they resolve to
version_added: 0.1.0
description:
  - Reads libvirt's client configuration files, C(/etc/libvirt/libvirt.conf) (the file libvirt reads for root) and the
    C($XDG_CONFIG_HOME/libvirt/libvirt.conf) of the given users, and reports for each file its C(uri_aliases),
    C(uri_default), duplicates, malformed entries, the URI a connection without one gets, and what each alias
    resolves to, the way libvirt itself would, for auditing a fleet.
  - Files are read the way libvirt reads them. A missing file is no configuration; a file libvirt cannot open
    or parse is reported with libvirt's own message, path and line.
  - A user's file is read with that user's identity (when the module runs as root), so that a file or directory
    the user cannot read is reported exactly as libvirt, running as that user, reports it.
  - For each account (root for the system file, and each user), RV(configs[].effective) says what plain C(virsh)
    connects to once the account has logged in, and which file and line decided it, by reading the files that
    set C(LIBVIRT_DEFAULT_URI) and C(VIRSH_DEFAULT_CONNECT_URI) (C(VIRSH_DEFAULT_CONNECT_URI) wins for virsh,
    which uses it as if given with C(-c)). The session modelled is an interactive login shell started
    through PAM (see O(pam_service)); the order is, later settings winning,
    (1) C(pam_env) as configured in C(/etc/pam.d/<pam_service>), line by line, each line reading its
    C(conffile) (C(/etc/security/pam_env.conf), C(VAR DEFAULT=... OVERRIDE=...) with C(@{HOME})/C(${VAR})), then
    with C(readenv=1) (the default) its C(envfile) (C(/etc/environment), C(KEY=VALUE)), then with C(user_readenv=1)
    C(~/.pam_environment);
    (2) the login shell of the passwd entry, bash C(/etc/profile) then the first of C(~/.bash_profile),
    C(~/.bash_login), C(~/.profile); sh/dash C(/etc/profile) then C(~/.profile); zsh C(/etc/zsh/zshenv),
    C(~/.zshenv), C(zprofile), C(zshrc), C(zlogin) (system then user), following C(.)/C(source) of
    files it can name where they stand (so C(/etc/bash.bashrc), C(/etc/profile.d/*.sh) through Debian's
    loop, and a C(~/.bashrc) sourced by C(~/.profile)); other login shells read no file.
  - A line that computes the value (command substitution, a variable the module does not track, C(eval)),
    sets it under a condition the module cannot decide (C(if), C(case), C(&&), a loop, a function body), or
    sources a file the module cannot name, makes the result "set dynamically, cannot tell"; the module never
    guesses. Conditions it decides are those of the modelled session, file tests on paths it can see,
    C($BASH_VERSION), C($BASH), C($PS1) and C(case $- in), and tests of the two variables themselves
    (C([ -z "$LIBVIRT_DEFAULT_URI" ]), C(${VAR:=value})) with the values set so far.
  - Files of the list above that the session does not read, and C(~/.config/environment.d/*.conf) (read by the
    systemd user manager, not by login shells), are reported in RV(configs[].effective.not_applied) with the
    reason.
  - A warning names each account whose configured C(uri_default) is hidden by the environment.
  - RV(configs[].findings) flags risky URIs of the aliases and the default, each finding naming its reason,
    after libvirt's remote driver documentation, host key checking turned off (C(no_verify) on C(ssh),
    C(known_hosts_verify=ignore) or C(auto)), unencrypted transports (C(tcp), C(transport=http)), C(no_verify) on
    TLS and on esx/vpx/gsx, a password in the URI, the C(ext) transport, a C(keyfile) that is missing, relative
    or readable by group or others, a missing C(known_hosts) or C(pkipath), an exposed TLS client key, an
    unknown C(sshauth) method and a C(tls_priority) that enables broken protocols. Paths are checked with the
    account's identity.
  - The module never writes anything.
author:
  - virtkit.libvirt_client maintainers (@virtkit)
requirements:
  - Python 3.7 or later on the target. No libvirt or Augeas package is needed; the files are read with a parser
    that follows libvirt's own.
attributes:
  action:
    support: full
    description: An action plugin refuses, on the controller, any argument holding a NUL character (which no
      libvirt.conf name, URI, path or user name can hold), naming the option and the value; all else runs on the
      target.
  check_mode:
    support: full
    description: The module only reads, so it runs and reports the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
  platform:
    support: full
    platforms: posix
    description: Any POSIX host; reading a user's file as that user needs the module to run as root.
options:
  system:
    description:
      - Report C(/etc/libvirt/libvirt.conf), the file libvirt reads for root.
    type: bool
    default: true
  users:
    description:
      - Users (names or uids) whose file is reported, C($XDG_CONFIG_HOME/libvirt/libvirt.conf), by default
        C(~/.config/libvirt/libvirt.conf) in the home directory of the user's passwd entry.
      - A user with uid 0 is reported with C(/etc/libvirt/libvirt.conf), which is what libvirt reads for root.
      - When the module runs as root, each file is read as its user (with the user's uid, gid and groups).
        Otherwise a file of another user is read with the module's identity; RV(configs[].read_as) says which.
      - A user who does not exist on the host makes the module fail.
    type: list
    elements: str
    default: []
  users_from_group:
    description:
      - Also report every member of this group, primary and supplementary alike, read through NSS, as the
        C(virtkit.libvirt_client.libvirt_uri) role selects them (C(libvirt_uri_users_from_group)), after O(users).
        Empty for none; a group that does not exist makes the module fail.
    type: str
    default: ''
    version_added: 0.2.0
  all_users:
    description:
      - Also report every local account with a uid between C(UID_MIN) and C(UID_MAX) of C(/etc/login.defs) and an
        existing home, as the role's C(libvirt_uri_all_users) selects them.
    type: bool
    default: false
    version_added: 0.2.0
  xdg_config_home:
    description:
      - C(XDG_CONFIG_HOME) of some of the O(users), user name (as given in O(users)) to absolute path. Users not
        listed use C(~/.config).
    type: dict
  paths:
    description:
      - More files to report, for images, chroots and tests. They are read with the module's identity and a
        connection without a URI is taken to get the probe answer for root, C(qemu:///system).
    type: list
    elements: path
    default: []
  names:
    description:
      - Connection names to resolve through every file, besides the file's own aliases, for example URIs or
        alias names that should exist everywhere.
    type: list
    elements: str
    default: []
  environment:
    description:
      - The environment connections are made in. Only C(LIBVIRT_DEFAULT_URI) is used (set and non-empty, it is
        what a connection without a URI asks for); other keys are ignored, so the target's whole environment,
        such as C(ansible_env), can be passed.
    type: dict
  pam_service:
    description:
      - The PAM service whose C(pam_env) lines the login is modelled with, a file name in C(/etc/pam.d)
        (C(sshd) for SSH logins, C(login) for the console). The services differ, on Debian only C(sshd) reads
        C(~/.pam_environment) (C(user_readenv=1)).
    type: str
    default: sshd
  verify_with_virsh:
    description:
      - Check each account's RV(configs[].effective) and each alias resolution against C(virsh) itself. Where
        C(virsh) is installed, the module runs, for each account, C(su -l) with the account's login shell (PAM
        service C(su-l), then the shell's startup files, interactive), inside a new network namespace
        (C(unshare --net), where no address, not even 127.0.0.1, is reachable), with a stand-in C(ssh) first in
        C(PATH), C(LIBVIRT_AUTOSTART=0) and a timeout of 10 seconds per call, and there C(virsh -c NAME uri) for
        each alias and C(virsh uri). It reads the URI libvirt resolved from libvirt's debug log
        (C(LIBVIRT_DEBUG=1), the C(Split "URI" to URI components) line, written before any driver opens a
        connection); the connections themselves fail, so no hypervisor is needed and nothing is logged in to.
      - Any disagreement makes the module fail, with both answers in RV(configs[].verification).
      - The default connection is predicted again for PAM service C(su-l) for this comparison.
      - What it cannot tell, a setting only an SSH login or a desktop session makes (C(~/.pam_environment) with
        sshd, C(environment.d)), and what a non-interactive login reads instead; a prediction of
        "cannot tell" is reported with virsh's answer and is not a failure.
      - Needs root, Python 3, C(su) and C(unshare) on the target; without C(virsh) the check is skipped and
        RV(configs[].verification.reason) says so.
    type: bool
    default: false
notes:
  - Aliases are looked up once and in order, the first entry of a name wins, and libvirt checks the entries only
    up to the one it looks for. An explicit URI, or a name no alias has, makes libvirt walk and check the whole
    list, so a single malformed entry makes those connections fail; a connection without any URI, where
    neither C(LIBVIRT_DEFAULT_URI) nor C(uri_default) names one, skips alias lookup and is not affected.
  - The probe answer (what the daemon picks when nothing names a URI) is reported as it is in practice,
    C(qemu:///system) for root and C(qemu:///session) for other users.
seealso:
  - module: virtkit.libvirt_client.libvirt_uri_alias
  - name: libvirt connection URIs
    description: How libvirt resolves aliases and the default URI.
    link: https://libvirt.org/uri.html
  - name: libvirt remote URI parameters
    description: The parameters the findings are about (no_verify, known_hosts_verify, keyfile, pkipath, ...).
    link: https://libvirt.org/uri.html#remote-uris
'''

EXAMPLES = r'''
- name: Read the system file and two users' files
  virtkit.libvirt_client.libvirt_uri_info:
    users:
      - alice
      - bob
    names:
      - hail
  register: libvirt_client

- name: Fail on hosts where a configuration breaks libvirt connections
  ansible.builtin.assert:
    that: libvirt_client.configs | selectattr('broken') | list | length == 0
    fail_msg: "{{ libvirt_client.configs | selectattr('broken') | map(attribute='broken_reason') | list }}"

- name: Show what a plain 'virsh' connects to for each file
  ansible.builtin.debug:
    msg: "{{ item.path }}: {{ item.default_uri.uri | default(item.default_uri.error) }}"
  loop: "{{ libvirt_client.configs }}"

- name: Take the login environment into account, with a user's own XDG_CONFIG_HOME
  virtkit.libvirt_client.libvirt_uri_info:
    system: false
    users:
      - alice
    xdg_config_home:
      alice: /home/alice/.local/config
    environment: "{{ ansible_env }}"

- name: Say, for each account, what plain virsh connects to and why, and check it with virsh
  virtkit.libvirt_client.libvirt_uri_info:
    users:
      - alice
    verify_with_virsh: true
  register: libvirt_effective

- name: Show the answer for alice
  ansible.builtin.debug:
    msg: "{{ item.user | default('root', true) }}: {{ item.effective.uri }} ({{ item.effective.summary }})"
  loop: "{{ libvirt_effective.configs }}"

- name: Fail on hosts with a high-severity URI finding
  ansible.builtin.assert:
    that: libvirt_effective.configs | map(attribute='findings') | flatten | selectattr('severity', 'eq', 'high')
      | list | length == 0
    fail_msg: "{{ libvirt_effective.configs | map(attribute='findings') | flatten | map(attribute='message') }}"
'''

RETURN = r'''
libvirt_version:
  description:
    - The version of the libvirt client library on the host (what C(virsh --version) prints), read from
      C(libvirt.so.0) without contacting any daemon, else from C(virsh --version).
    - Where libvirt releases read C(libvirt.conf) differently (see C(docs/how-libvirt-picks-a-uri.md)), the
      files are judged by the rules of this version; without libvirt on the host, by the newest rules.
    - V(null) when neither the library nor C(virsh) is found.
  returned: success
  type: str
  sample: 11.3.0
configs:
  description:
    - One entry per file, in this order, the system file, the users' files (in the order of O(users)), then
      O(paths).
  returned: always
  type: list
  elements: dict
  contains:
    scope:
      description: V(system), V(user) or V(path).
      type: str
      returned: always
      sample: user
    user:
      description: The user name for a user's file, else null.
      type: str
      returned: always
      sample: alice
    path:
      description: The file.
      type: str
      returned: always
      sample: /home/alice/.config/libvirt/libvirt.conf
    read_as:
      description: The user whose identity the file was read with.
      type: str
      returned: always
      sample: alice
    exists:
      description: Whether libvirt sees a file at the path (a missing file, a dangling link or an unreachable
        directory is no configuration, which is not an error).
      type: bool
      returned: always
      sample: true
    readable:
      description: Whether the file could be read (false when it is missing or cannot be read).
      type: bool
      returned: always
      sample: true
    valid:
      description:
        - Whether libvirt can parse the file and its C(uri_aliases), when set, is a list of strings. True for a
          missing file, which libvirt takes as an empty one.
        - Malformed alias entries do not make a file invalid; see RV(configs[].malformed).
        - Null when the module cannot tell, for a file that is not UTF-8 text (libvirt reads any bytes, this
          module does not guess) or a user's file that could not be read with the user's identity.
      type: bool
      returned: always
      sample: true
    error:
      description: libvirt's message when it cannot open, read or parse the file or use its C(uri_aliases),
        with the path and, for a syntax error, the line; else null.
      type: str
      returned: always
      sample: "configuration file syntax error: /etc/libvirt/libvirt.conf:3: expecting a value"
    aliases:
      description: The well-formed C(uri_aliases) entries, in file order (duplicates included).
      type: list
      elements: dict
      returned: always
      contains:
        name:
          description: The alias.
          type: str
          returned: always
          sample: hail
        uri:
          description: The URI it stands for.
          type: str
          returned: always
          sample: qemu+ssh://root@hail.cloud.example.com/system
        line:
          description: The line of the entry.
          type: int
          returned: always
          sample: 4
    alias_modes:
      description:
        - Alias name to the remote mode libvirt uses for the URI of its first entry, the URI's C(mode=), else the
          file's RV(configs[].remote_mode), else V(auto); null when no remote driver is involved
          (C(test:///...), C(esx://...), embedded URIs) or the URI does not parse.
      type: dict
      returned: always
      sample: {"hail": "legacy"}
    remote_mode:
      description: The C(remote_mode) libvirt reads from the file (the first one), or null when there is none.
      type: raw
      returned: always
      sample: legacy
    remote_proxy:
      description: The C(remote_proxy) libvirt reads from the file (the first one), or null when there is none.
      type: raw
      returned: always
      sample: netcat
    uri_default:
      description: The C(uri_default) libvirt reads (the first one), or null when there is none or it is not a
        string (see RV(configs[].default_uri)).
      type: str
      returned: always
      sample: hail
    duplicates:
      description: Names set more than once; libvirt uses the first one.
      type: dict
      returned: always
      contains:
        aliases:
          description: Alias names that have more than one well-formed entry, in order of first appearance.
          type: list
          elements: str
          returned: always
          sample: [hail]
        uri_default:
          description: Whether C(uri_default) is set more than once.
          type: bool
          returned: always
          sample: false
    malformed:
      description: The C(uri_aliases) entries libvirt rejects.
      type: list
      elements: dict
      returned: always
      contains:
        entry:
          description: The entry.
          type: str
          returned: always
          sample: old host
        line:
          description: The line of the entry.
          type: int
          returned: always
          sample: 5
        message:
          description: libvirt's message for the entry.
          type: str
          returned: always
          sample: "configuration file syntax error: Malformed 'uri_aliases' config entry 'old host',
            expected 'alias=uri://host/path'"
    broken:
      description:
        - Whether the file makes every connection libvirt makes fail, or every one that names a URI.
        - True when libvirt cannot read or parse the file (every connection fails, even one given an explicit
          URI), when C(uri_aliases) is not a list of strings, or when it holds a malformed entry (every
          connection given a URI or an unknown name fails; see RV(configs[].broken_reason) for what still works).
        - Null when the module cannot tell (see RV(configs[].valid)).
      type: bool
      returned: always
      sample: false
    broken_reason:
      description: A sentence saying which connections fail and why, when RV(configs[].broken) is true; else null.
      type: str
      returned: always
      sample: "Every libvirt connection that reads /etc/libvirt/libvirt.conf fails, even one given an explicit
        URI: configuration file syntax error: /etc/libvirt/libvirt.conf:3: expecting a value"
    default_uri:
      description:
        - What a connection without a URI gets, C(LIBVIRT_DEFAULT_URI) from O(environment), else C(uri_default),
          either through the aliases, else the probe answer.
      type: dict
      returned: always
      contains:
        uri:
          description: The URI, when the connection gets one.
          type: str
          returned: when it resolves
          sample: qemu+ssh://root@hail.cloud.example.com/system
        error:
          description: libvirt's message, when the connection fails before connecting.
          type: str
          returned: when it fails
          sample: "no connection driver available for URI 'hail' does not include a driver name"
        source:
          description: What named the URI, V(environment), V(uri_default) or V(probe); null when the file could
            not be read or parsed.
          type: str
          returned: always
          sample: uri_default
    findings:
      description:
        - Risky settings in the URIs of the file's aliases (every entry) and of its default connection (when no
          alias of the file names it), and, in RV(configs[].effective.findings), of a URI the environment names.
      type: list
      elements: dict
      returned: always
      contains:
        severity:
          description: V(high), V(medium) or V(low).
          type: str
          returned: always
          sample: high
        alias:
          description: The alias the URI belongs to, null for the default connection.
          type: str
          returned: always
          sample: hv1
        rule:
          description: The rule, for example V(ssh-no-verify), V(known-hosts-ignore), V(tls-no-verify),
            V(plaintext-tcp), V(keyfile-exposed).
          type: str
          returned: always
          sample: ssh-no-verify
        message:
          description: What the URI does and why it matters.
          type: str
          returned: always
          sample: "no_verify=1 turns off SSH host key checking (libvirt runs ssh with StrictHostKeyChecking=no):
            an unknown host key is accepted without question, so a spoofed host is not detected"
    effective:
      description:
        - For the system file (as root) and users' files, what plain C(virsh) connects to after a login of the
          account (see the description for the files read and their order); null for O(paths).
        - O(environment) is not used here; the login's own files are.
      type: dict
      returned: always
      contains:
        uri:
          description: The URI, null when it cannot be told or the connection fails before connecting.
          type: str
          returned: always
          sample: qemu:///session
        error:
          description: libvirt's message when the default connection fails before connecting, else null.
          type: str
          returned: always
          sample: null
        source:
          description:
            - What decided it, C(kind) V(environment) (with C(variable), C(value), C(file), C(line)),
              V(uri_default) (C(value), C(file), C(line)), V(probe), or V(dynamic) (C(variable), C(file), C(line),
              C(reason)) when a setting cannot be told.
          type: dict
          returned: always
          sample: {kind: environment, variable: LIBVIRT_DEFAULT_URI, value: "qemu:///session",
                   file: /etc/profile.d/libvirt-uri.sh, line: 3}
        summary:
          description: The source in words.
          type: str
          returned: always
          sample: LIBVIRT_DEFAULT_URI=qemu:///session set in /etc/profile.d/libvirt-uri.sh:3
        shadowed:
          description: Every lower-priority setting the winner hides (earlier assignments, C(LIBVIRT_DEFAULT_URI)
            under C(VIRSH_DEFAULT_CONNECT_URI), the C(uri_default)), with C(variable), C(value), C(file), C(line),
            C(text) and C(by), the winner in words.
          type: list
          elements: dict
          returned: always
        cannot_tell:
          description: The settings that are computed or conditional, with C(reason).
          type: list
          elements: dict
          returned: always
        not_applied:
          description: Settings in files this login does not read (or never exported), with C(why).
          type: list
          elements: dict
          returned: always
        not_followed:
          description: Lines the module did not follow (C(eval) of other variables, a missing sourced file).
          type: list
          elements: dict
          returned: always
        other_clients:
          description: When C(VIRSH_DEFAULT_CONNECT_URI) decides for virsh, what other libvirt clients
            (virt-install, virt-manager) get instead, C(uri) or C(error) and C(source); else null.
          type: dict
          returned: always
        session:
          description: The login modelled.
          type: str
          returned: always
          sample: an interactive bash login shell after PAM service sshd
        notes:
          description: Remarks on the model for this account.
          type: list
          elements: str
          returned: always
        findings:
          description: Findings of the URI the environment names, when no alias of the file covers it.
          type: list
          elements: dict
          returned: always
    verification:
      description:
        - With O(verify_with_virsh), virsh's answers for the account; null otherwise and for O(paths).
      type: dict
      returned: always
      contains:
        ran:
          description: Whether virsh was asked.
          type: bool
          returned: always
        reason:
          description: Why not, when it was not.
          type: str
          returned: when ran is false
        session:
          description: How virsh was run.
          type: str
          returned: always
        agree:
          description: False when any check disagrees (the module then fails).
          type: bool
          returned: always
        checks:
          description:
            - One per alias name and one for the default connection (C(name) null), with C(predicted), C(virsh)
              (C(uri), C(probe), C(error) or C(unreadable)) and C(agree) (null when the prediction is
              "cannot tell").
          type: list
          elements: dict
          returned: always
    resolutions:
      description:
        - Each alias of the file and each of O(names), to what libvirt makes of that name, a dict with C(uri) when
          it resolves, or C(error) with libvirt's message when it fails before connecting.
        - An empty name is the default connection, as in RV(configs[].default_uri).
      type: dict
      returned: always
      sample:
        hail:
          uri: qemu+ssh://root@hail.cloud.example.com/system
        sleet:
          error: "configuration file syntax error: Malformed 'uri_aliases' config entry 'old host', expected
            'alias=uri://host/path'"
'''

import grp
import json
import os
import pwd
import re
import shutil
import shlex
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_host as libvirt_host
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_env as libvirt_env
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_findings as libvirt_findings
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_accounts as accounts_rule
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
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


def _groups_of(pw):
    if hasattr(os, 'getgrouplist'):
        return os.getgrouplist(pw.pw_name, pw.pw_gid)
    groups = set([pw.pw_gid])
    for group in grp.getgrall():
        if pw.pw_name in group.gr_mem:
            groups.add(group.gr_gid)
    return sorted(groups)


def _as_user(pw, func, what):
    """``func()`` (JSON-able) computed by a child process running with the identity of ``pw``.

    A failure is returned as {'kind': 'identity', 'message': ...}.
    """
    groups = _groups_of(pw)
    rfd, wfd = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(rfd)
        os.close(wfd)
        message = 'cannot read %s as user %s: %s' % (what, pw.pw_name, os.strerror(exc.errno))
        return {'kind': 'identity', 'message': message}
    if pid == 0:
        status = 0
        try:
            os.close(rfd)
            try:
                os.setgroups(groups)
                os.setgid(pw.pw_gid)
                os.setuid(pw.pw_uid)
                outcome = func()
            except OSError as exc:
                message = 'cannot take the identity of user %s: %s' % (pw.pw_name, os.strerror(exc.errno))
                outcome = {'kind': 'identity', 'message': message}
            data = json.dumps(outcome).encode('utf-8')
            while data:
                written = os.write(wfd, data)
                data = data[written:]
        except BaseException:  # pylint: disable=broad-except
            status = 1
        finally:
            os._exit(status)  # pylint: disable=protected-access
    os.close(wfd)
    chunks = []
    try:
        while True:
            chunk = os.read(rfd, 1024 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
        os.waitpid(pid, 0)
    try:
        return json.loads(b''.join(chunks).decode('utf-8'))
    except ValueError:
        return {'kind': 'identity', 'message': 'reading %s as user %s failed' % (what, pw.pw_name)}


def _read_as_user(path, pw):
    """_encode_outcome(path) computed by a child process running with the identity of ``pw``."""
    return _as_user(pw, lambda: _encode_outcome(path), path)


def as_account(pw, func, what):
    """``func()`` with the identity of ``pw`` when the module can take it, else with its own."""
    euid = os.geteuid()
    if euid == 0 and pw.pw_uid != 0:
        return _as_user(pw, func, what)
    return func()


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


def _analyse(pw, service):
    """The account's login environment, read with its identity; {'kind': 'identity', ...} on failure."""
    account = libvirt_env.account_of(pw)

    def work():
        try:
            return libvirt_env.analyse(account, service=service)
        except Exception as exc:  # pylint: disable=broad-except
            return {'kind': 'identity', 'message': 'reading the login files of user %s failed: %s'
                    % (pw.pw_name, to_native(exc))}
    return as_account(pw, work, 'the login files')


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


def add_effective_and_findings(config, outcome, pw, probe, service, verifier=None):
    """Add ``effective`` (for an account), ``findings`` and ``verification`` to ``config``; returns the warnings.

    ``verifier``: a VirshVerifier when O(verify_with_virsh) is set, else None.
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
        analysis = _analyse(pw, service)
        if analysis.get('kind') == 'identity':
            effective = {'uri': None, 'error': analysis['message'], 'summary': analysis['message'],
                         'source': None, 'shadowed': [], 'cannot_tell': [], 'not_applied': [],
                         'not_followed': [], 'notes': [], 'session': None, 'other_clients': None}
        else:
            effective = libvirt_env.effective(analysis, resolve_default, uri_default)
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
    config['effective'] = effective
    config['verification'] = None
    if verifier is not None and pw is not None:
        def predict():
            analysis = _analyse(pw, verifier.SERVICE)
            if analysis.get('kind') == 'identity':
                return {'uri': None, 'error': analysis['message'], 'source': None}
            return libvirt_env.effective(analysis, resolve_default, uri_default)
        config['verification'] = verifier.verify(pw, config, predict)
    return warnings


# -- verify_with_virsh ------------------------------------------------------------------------------

STANDIN_SSH = """#!/bin/sh
# Stand-in for ssh while libvirt_uri_info asks virsh what a name resolves to: never connects.
echo "libvirt_uri_info: stand-in ssh, not connecting" >&2
exit 255
"""
_SPLIT_RE = re.compile(r'(?:Split|name) "(.*)" to URI components:')
_NO_NAME = 'no name, allowing driver auto-select'


class VirshVerifier:
    """Asks virsh, in a login of each account, what each alias and the default resolve to.

    virsh runs as the account through ``su -l`` (PAM service su-l, then the account's login shell,
    interactive, as the audit models it), inside a new network namespace (``unshare --net``: not
    even 127.0.0.1 is reachable), with a stand-in ``ssh`` first on PATH, LIBVIRT_AUTOSTART=0 and a
    timeout.  The URI libvirt resolved is read from its debug log (the "Split ... to URI components"
    line that libvirt writes before any driver opens a connection); the connection itself fails.
    """

    SERVICE = 'su-l'
    PER_RUN = 10

    def __init__(self, programs, workdir, run_command):
        self.virsh = programs['virsh']
        self.unshare = programs['unshare']
        self.su = programs['su']
        self.timeout = programs['timeout']
        self.run_command = run_command
        self.workdir = workdir
        self.standin = os.path.join(workdir, 'bin')
        os.mkdir(self.standin, 0o755)
        path = os.path.join(self.standin, 'ssh')
        with open(path, 'w') as f:
            f.write(STANDIN_SSH)
        os.chmod(path, 0o755)
        os.chmod(workdir, 0o755)

    def _wrapper(self, pw):
        kind = libvirt_env.shell_kind(pw.pw_shell)
        path = os.path.join(self.workdir, 'login-%d' % pw.pw_uid)
        if kind is None:
            body = 'exec /bin/sh -c "$2" </dev/null\n'
        else:
            body = 'exec %s -l -i -c "$2" </dev/null\n' % shlex.quote(pw.pw_shell)
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n' + body)
        os.chmod(path, 0o755)
        return path

    def _script(self, names):
        lines = []
        for index, name in enumerate(names):
            connect = '' if name is None else ' -c %s' % shlex.quote(name)
            lines.append(
                "printf '@@vk-begin %d\\n'; LIBVIRT_DEBUG=1 LIBVIRT_LOG_FILTERS='1:libvirt 4:*' "
                "LIBVIRT_LOG_OUTPUTS=1:stderr LIBVIRT_AUTOSTART=0 PATH=%s:$PATH timeout -k 2 %d %s -q%s uri "
                "</dev/null 2>&1; printf '@@vk-end %d\\n'"
                % (index, shlex.quote(self.standin), self.PER_RUN, shlex.quote(self.virsh), connect, index))
        return '\n'.join(lines) + '\n'

    def ask(self, pw, names):
        """{index: (kind, text)}: kind 'uri', 'probe', 'error' or 'unreadable'."""
        limit = 20 + (self.PER_RUN + 3) * len(names)
        # timeout(1) bounds the whole login; each virsh call has its own bound in the script.
        command = [self.timeout, '-k', '5', str(limit), self.unshare, '--net', '--', self.su, '-l', '-s',
                   self._wrapper(pw), pw.pw_name, '-c', self._script(names)]
        dummy, text, dummy = self.run_command(command, environ_update={'LANG': 'C'})
        answers = {}
        for index in range(len(names)):
            begin = text.find('@@vk-begin %d\n' % index)
            end = text.find('@@vk-end %d\n' % index, begin + 1)
            if begin < 0 or end < 0:
                answers[index] = ('unreadable', 'no answer from virsh (the login or virsh did not run, or timed '
                                                'out after %d s)' % limit)
                continue
            answers[index] = virsh_answer(text[begin:end])
        return answers

    def verify(self, pw, config, predict):
        names = []
        for alias in config['aliases']:
            if alias['name'] not in names:
                names.append(alias['name'])
        prediction = predict()
        answers = self.ask(pw, names + [None])
        checks = []
        for index, name in enumerate(names + [None]):
            kind, text = answers[index]
            virsh = {'uri': text} if kind == 'uri' else ({'probe': True} if kind == 'probe' else {kind: text})
            if name is None:
                predicted = dict((k, prediction.get(k)) for k in ('uri', 'error'))
                source = (prediction.get('source') or {}).get('kind')
                predicted['source'] = source
                if source == 'dynamic':
                    agree = None
                elif source == 'probe':
                    agree = kind == 'probe'
                elif prediction.get('uri'):
                    agree = kind == 'uri' and text == prediction['uri']
                else:
                    agree = kind == 'error' and text == prediction.get('error')
            else:
                predicted = config['resolutions'].get(name, {})
                if 'uri' in predicted:
                    agree = kind == 'uri' and text == predicted['uri']
                else:
                    agree = kind == 'error' and text == predicted.get('error')
            checks.append({'name': name, 'predicted': predicted, 'virsh': virsh, 'agree': agree})
        return {
            'ran': True,
            'session': 'su -l %s (PAM service %s, login shell %s) in a network namespace of its own'
                       % (pw.pw_name, self.SERVICE, pw.pw_shell),
            'checks': checks,
            'agree': all(c['agree'] is not False for c in checks),
        }


def virsh_answer(output):
    """(kind, text) of one virsh run's output with libvirt's debug log: what libvirt resolved.

    libvirt writes 'Split "URI" to URI components' (libvirt 6 and later; 'name "URI" to URI
    components' before) once the alias lookup is done, before any driver opens a connection, and
    'no name, allowing driver auto-select' when nothing names a URI.  Without either, virsh's last
    error is the answer (the configuration failed first).
    """
    match = _SPLIT_RE.search(output)
    if match:
        return ('uri', match.group(1))
    if _NO_NAME in output:
        return ('probe', None)
    errors = [line[len('error: '):] for line in output.splitlines() if line.startswith('error: ')]
    if errors:
        return ('error', errors[-1])
    return ('unreadable', 'virsh printed neither a resolved URI nor an error')


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
    service = params.get('pam_service') or libvirt_env.DEFAULT_SERVICE
    if '/' in service or service in ('.', '..') or not os.path.isfile(os.path.join(libvirt_env.PAM_DIR, service)):
        raise Refusal("pam_service must be the name of a file in %s, got %r" % (libvirt_env.PAM_DIR, service))
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
        jobs.append(('system', None, libvirt_files.system_path(), None, PROBE_SYSTEM))
    for user in users:
        pw, path = user_file(user, xdg.get(user))
        jobs.append(('user', pw.pw_name, path, pw, PROBE_SYSTEM if pw.pw_uid == 0 else PROBE_SESSION))
    for pw in accounts or []:
        dummy, path = user_file(pw.pw_name, None)
        jobs.append(('user', pw.pw_name, path, pw, PROBE_SYSTEM if pw.pw_uid == 0 else PROBE_SESSION))
    for path in params['paths'] or []:
        if not path:
            raise Refusal('paths holds an empty path')
        jobs.append(('path', None, os.path.abspath(path), None, PROBE_SYSTEM))

    verifier = None
    skipped = None
    if params.get('verify_with_virsh'):
        verifier, skipped = make_verifier(run_command)
    try:
        return _report(jobs, names, env_default, service, verifier, skipped)
    finally:
        if verifier is not None:
            shutil.rmtree(verifier.workdir, ignore_errors=True)


def _find(program):
    for directory in ('/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'):
        path = os.path.join(directory, program)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def make_verifier(run_command):
    """(VirshVerifier, None), or (None, reason) when virsh is not installed; Refusal when it cannot run.

    ``run_command``: AnsibleModule.run_command (or a function with its interface).
    """
    virsh = _find('virsh')
    if virsh is None:
        return None, 'virsh is not installed on this host'
    if os.geteuid() != 0:
        raise Refusal('verify_with_virsh needs root (it runs virsh as each account through su -l, in a network '
                      'namespace of its own)')
    programs = {'virsh': virsh, 'unshare': _find('unshare'), 'su': _find('su'), 'timeout': _find('timeout')}
    missing = sorted(name for name, path in programs.items() if path is None)
    if missing:
        verb = 'is' if len(missing) == 1 else 'are'
        raise Refusal('verify_with_virsh needs %s, which %s missing' % (', '.join(missing), verb))
    rc, dummy, error = run_command([programs['unshare'], '--net', '--', 'true'])
    if rc != 0:
        raise Refusal('verify_with_virsh cannot create a network namespace (unshare --net: %s); virsh is not '
                      'run without one' % error.strip())
    return VirshVerifier(programs, tempfile.mkdtemp(prefix='libvirt_uri_info.'), run_command), None


def _report(jobs, names, env_default, service, verifier, skipped):
    configs = []
    warnings = []
    for scope, user, path, pw, probe in jobs:
        outcome, read_as = load(path, pw)
        config = describe(scope, user, path, outcome, read_as, probe, names, env_default)
        account = pw
        if scope == 'system':
            account = pwd.getpwuid(0)
        elif scope == 'path':
            account = None
        warnings.extend(add_effective_and_findings(config, outcome, account, probe, service, verifier))
        if skipped and account is not None:
            config['verification'] = {'ran': False, 'reason': skipped, 'session': None, 'checks': [],
                                      'agree': None}
        configs.append(config)
    return configs, warnings


def main():
    module = AnsibleModule(
        argument_spec=dict(
            system=dict(type='bool', default=True),
            users=dict(type='list', elements='str', default=[]),
            xdg_config_home=dict(type='dict'),
            paths=dict(type='list', elements='path', default=[]),
            names=dict(type='list', elements='str', default=[]),
            environment=dict(type='dict'),
            pam_service=dict(type='str', default='sshd'),
            verify_with_virsh=dict(type='bool', default=False),
            users_from_group=dict(type='str', default=''),
            all_users=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    try:
        configs, warnings = run(module.params, accounts=selected_accounts(module.params),
                                run_command=module.run_command)
    except Refusal as exc:
        module.fail_json(msg=to_native(exc))
    for warning in warnings:
        module.warn(warning)
    version = libvirt_host.libvirt_version()
    libvirt_version = '.'.join(str(part) for part in version) if version else None
    disagreements = []
    for config in configs:
        verification = config.get('verification') or {}
        for check in verification.get('checks', []):
            if check['agree'] is False:
                disagreements.append('%s: %s: predicted %s, virsh says %s' % (
                    config['user'] or 'root', check['name'] if check['name'] is not None else 'the default',
                    json.dumps(check['predicted'], sort_keys=True), json.dumps(check['virsh'], sort_keys=True)))
    if disagreements:
        module.fail_json(msg='virsh disagrees with the prediction: %s' % '; '.join(disagreements),
                         configs=configs, libvirt_version=libvirt_version)
    module.exit_json(changed=False, configs=configs, libvirt_version=libvirt_version)


if __name__ == '__main__':
    main()
