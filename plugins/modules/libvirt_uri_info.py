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
  - The same walk settles C(XDG_CONFIG_HOME), which names the directory of an account's file
    (C($XDG_CONFIG_HOME/libvirt/libvirt.conf), C(~/.config/libvirt/libvirt.conf) when it is unset or empty;
    root's file is always the system file). When the login moves it, the module reads and reports the file
    libvirt really reads (RV(configs[].path); RV(configs[].managed_path) is the C(~/.config) one the other modules
    write by default), names the line that moved it in RV(configs[].effective.source), and adds the finding
    V(config-file-moved); when the value cannot be told (computed, conditional, relative to the working
    directory), RV(configs[].effective) says so and the finding is V(config-file-unknown). An explicit
    O(xdg_config_home) wins over the login. The walk looks at C(XDG_CONFIG_HOME) only for an account whose login
    files (pam_env's, the shells' system files, the account's dotfiles and the files they source by a plain
    name) contain its name at all; for any other account it is taken to be unset.
  - A warning names each account whose configured C(uri_default) is hidden by the environment, and each whose
    login moves its libvirt.conf.
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
        listed use the one their login sets (see the description), else C(~/.config).
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
  check_connections:
    description:
      - Try each alias of each account's file, and the account's default connection, for real, and report
        each in RV(configs[].connections) with the remote host's name, the remote daemon's libvirt version and,
        when it fails, its cause and libvirt's message. Without it nothing connects.
      - Each connection runs as the account the file belongs to (root for the system file), as
        O(verify_with_virsh) runs virsh (C(su -l) and the account's login shell, so the login's
        C(LIBVIRT_DEFAULT_URI) counts), but in the host's own network, as C(virsh -c NAME hostname), with
        C(LIBVIRT_AUTOSTART=0) (no session daemon is started).
      - It never prompts. There is no terminal (C(su -c) runs the command in a new session), stdin is
        C(/dev/null), C(DISPLAY) and C(SSH_ASKPASS) are unset, and C(ssh) runs with C(BatchMode=yes),
        C(ConnectTimeout) set to O(connection_timeout) and no connection sharing (C(ControlMaster=no)).
      - It changes no file. libvirt's C(ssh) transport runs C(ssh) from C(PATH); the check puts first on
        C(PATH) a C(ssh) that asks the real one (C(ssh -G)) which known_hosts files it would read for that
        host, copies them into a directory private to that one connection, and runs the real C(ssh) with
        C(UserKnownHostsFile) set to the copies. So each connection sees the account's real known_hosts, and
        a key that a C(no_verify=1) URI accepts goes into a copy, never into the account's file nor into what
        another connection of the same check sees. URIs the check cannot contain are not tried and are
        reported with cause V(other) and the reason, the C(ext) transport, C(ssh) with a C(command=) other than
        C(ssh), and C(libssh)/C(libssh2) with C(known_hosts_verify=auto).
      - All connections of the run, of every account, are tried in parallel (up to 64 at a time), each bounded
        by O(connection_timeout), so a run takes about one timeout even when many hosts are down.
      - The causes and what to do about each are in the collection's C(docs/troubleshooting.md).
      - Needs root, C(su), C(timeout) and C(virsh) on the target. The module does not fail when a connection
        fails; RV(connection_failures) lists them.
    type: bool
    default: false
    version_added: 0.2.0
  remote_version:
    description:
      - With O(check_connections), also ask each daemon reached for its libvirt version (C(virsh version
        --daemon), in the same session, after C(hostname)) for RV(configs[].connections[].remote_libvirt_version).
      - Off by default because of its cost. libvirt asks the hypervisor's version first, and QEMU's answer
        comes from its capabilities, which a daemon may probe again (running QEMU, seconds of CPU) on every
        call where they are not cached, for example without KVM. Where the daemon has no working hypervisor
        for the driver (libvirt 9.0's qemu driver with no QEMU binary) the version stays null; the connection is
        judged by C(hostname) alone either way.
    type: bool
    default: false
    version_added: 0.2.0
  connection_timeout:
    description:
      - With O(check_connections), the seconds each connection may take (C(ssh)'s C(ConnectTimeout), and
        virsh is stopped 2 seconds later), from 1 to 600.
    type: int
    default: 10
    version_added: 0.2.0
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

- name: Try every alias of root and alice for real, 5 seconds each at most, all at once
  virtkit.libvirt_client.libvirt_uri_info:
    users:
      - alice
    check_connections: true
    connection_timeout: 5
  register: libvirt_connections

- name: Fail with the name, account and cause of each connection that failed
  ansible.builtin.assert:
    that: libvirt_connections.connection_failures | length == 0
    fail_msg: "{{ libvirt_connections.connection_failures | map(attribute='cause') | list }}"

- name: Fail on hosts with a high-severity URI finding
  ansible.builtin.assert:
    that: libvirt_effective.configs | map(attribute='findings') | flatten | selectattr('severity', 'eq', 'high')
      | list | length == 0
    fail_msg: "{{ libvirt_effective.configs | map(attribute='findings') | flatten | map(attribute='message') }}"
'''

RETURN = r'''
connection_failures:
  description:
    - With O(check_connections), one entry per connection that failed, of every account, with C(user) (V(root)
      for the system file), C(name) (null for the default connection), C(uri), C(cause) and C(error), as in
      RV(configs[].connections).
  type: list
  elements: dict
  returned: when check_connections is true
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
      description: The file, for a user the one libvirt reads after the user's login (which may be elsewhere than
        RV(configs[].managed_path) when the login sets C(XDG_CONFIG_HOME)).
      type: str
      returned: always
      sample: /home/alice/.config/libvirt/libvirt.conf
    managed_path:
      description: For a user, the file named by O(xdg_config_home) or C(~/.config/libvirt/libvirt.conf), the one
        the collection's modules write when no login says otherwise; null for the system file and O(paths).
      type: str
      returned: always
      sample: /home/alice/.config/libvirt/libvirt.conf
      version_added: 0.2.0
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
              C(reason)) when a setting cannot be told (C(variable) V(XDG_CONFIG_HOME) when it is which file libvirt
              reads that cannot be told).
            - C(config_file) is the libvirt.conf libvirt reads after the login (null when it cannot be told), and
              C(moved_by) the C(XDG_CONFIG_HOME) setting that put it elsewhere than C(~/.config) (C(variable),
              C(value), C(file), C(line)), null when nothing did.
          type: dict
          returned: always
          sample: {kind: environment, variable: LIBVIRT_DEFAULT_URI, value: "qemu:///session",
                   file: /etc/profile.d/libvirt-uri.sh, line: 3, config_file: /home/alice/.cfg/libvirt/libvirt.conf,
                   moved_by: {variable: XDG_CONFIG_HOME, value: /home/alice/.cfg, file: /home/alice/.profile,
                              line: 9}}
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
    connections:
      description:
        - With O(check_connections), one entry per alias of the file (each name once, in file order) and one for
          the default connection (C(name) null), each tried for real as the account. Null for O(paths).
      type: list
      elements: dict
      returned: when check_connections is true
      contains:
        name:
          description: The alias, or null for the default connection.
          type: str
          returned: always
        uri:
          description: What the name resolves to for the account (null when it does not resolve).
          type: str
          returned: always
        ok:
          description: Whether virsh connected and the daemon answered C(hostname).
          type: bool
          returned: always
        remote_hostname:
          description: The host name the daemon reached reports (C(virsh hostname)).
          type: str
          returned: always
        remote_libvirt_version:
          description: With O(remote_version), the libvirt version of the daemon reached (C(virsh version
            --daemon)); null otherwise, and when the daemon cannot tell in time.
          type: str
          returned: always
          sample: 11.3.0
        seconds:
          description: How long the connection took.
          type: float
          returned: always
        cause:
          description:
            - Null when it connected; otherwise V(host_key_unknown), V(host_key_mismatch), V(auth_failed),
              V(unreachable) (refused, no route, unknown name), V(timeout), V(no_daemon) (no socket for the
              driver on the remote), V(no_helper) (neither C(virt-ssh-helper) nor C(nc) for the proxy in use),
              V(uri_refused) (libvirt refuses the URI before connecting) or V(other).
          type: str
          returned: always
        error:
          description: libvirt's message, null when it connected.
          type: str
          returned: always
          sample: "Cannot recv data: Host key verification failed.: Connection reset by peer"
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

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_audit as audit
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_host as libvirt_host
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal


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
            check_connections=dict(type='bool', default=False),
            connection_timeout=dict(type='int', default=10),
            remote_version=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    try:
        configs, warnings = audit.run(module.params, accounts=audit.selected_accounts(module.params),
                                      run_command=module.run_command)
    except Refusal as exc:
        module.fail_json(msg=to_native(exc))
    for warning in warnings:
        module.warn(warning)
    version = libvirt_host.libvirt_version()
    libvirt_version = '.'.join(str(part) for part in version) if version else None
    disagreements = audit.disagreements(configs)
    if disagreements:
        module.fail_json(msg='virsh disagrees with the prediction: %s' % '; '.join(disagreements),
                         configs=configs, libvirt_version=libvirt_version)
    more = {}
    if module.params['check_connections']:
        from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_connect_check
        try:
            more['connection_failures'] = _libvirt_connect_check.add_connections(
                configs, module.run_command, module.params['connection_timeout'], module.params['remote_version'])
        except Refusal as exc:
            module.fail_json(msg=to_native(exc))
    module.exit_json(changed=False, configs=configs, libvirt_version=libvirt_version, **more)


if __name__ == '__main__':
    main()
