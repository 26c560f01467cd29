# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Security findings about libvirt connection URIs.

``uri_findings(uri, alias, stat)`` returns a list of
``{'severity', 'alias', 'rule', 'message'}``; every message says what the
URI does and why it matters, after the parameter descriptions of libvirt's
remote driver (https://libvirt.org/uri.html#remote-uris, docs/uri.rst in
libvirt's source) and of the ESX driver (docs/drvesx.rst).

Rules:

``ssh-no-verify``
    ``no_verify=1`` on the ``ssh`` transport: libvirt runs ssh with
    ``StrictHostKeyChecking=no``, so an unknown host key is accepted.
``known-hosts-ignore`` / ``known-hosts-auto``
    ``known_hosts_verify=ignore`` (no host key check at all) or ``auto``
    (unknown keys accepted and remembered) on ``libssh``/``libssh2``.
``tls-no-verify``
    ``no_verify=1`` on TLS (the transport of a remote URI with a host and no
    transport): the server certificate is not checked.
``https-no-verify`` / ``http-transport``
    ``no_verify=1`` or ``transport=http`` on the esx/vpx/gsx drivers.
``plaintext-tcp``
    the ``tcp`` transport, unencrypted (high severity off-host, low to a
    loopback address).
``password-in-uri``
    a ``user:password@`` user part.
``ext-command``
    the ``ext`` transport: the channel is whatever ``command=`` makes it.
``keyfile-missing`` / ``keyfile-exposed`` / ``keyfile-relative``
    ``keyfile=`` that does not exist, is readable by group or others, or is
    relative.
``known-hosts-missing``
    ``known_hosts=`` naming a file that does not exist.
``sshauth-unknown``
    ``sshauth=`` naming a method libvirt does not know.
``pkipath-missing`` / ``pki-key-exposed``
    ``pkipath=`` naming a directory that does not exist, or whose
    ``clientkey.pem`` is readable by group or others.
``tls-priority-weak``
    ``tls_priority=`` enabling a protocol or cipher that is broken.

``stat(path)`` is given by the caller (so that paths are checked with the
identity of the account that uses the URI): it returns None for a missing
path, else ``(mode, is_dir)``.
"""

import os

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import URIError, parse_uri

HIGH = 'high'
MEDIUM = 'medium'
LOW = 'low'

SSH_TRANSPORTS = ('ssh', 'libssh', 'libssh2')
SSHAUTH_METHODS = ('agent', 'privkey', 'password', 'keyboard-interactive')
HTTPS_DRIVERS = ('esx', 'vpx', 'gsx')
LOOPBACK = ('localhost', '127.0.0.1', '::1')
WEAK_TLS = ('+VERS-SSL3.0', '+VERS-TLS1.0', '+VERS-TLS1.1', '+ARCFOUR-128', '+ARCFOUR-40', '+3DES-CBC',
            '+NULL', '+RSA-EXPORT', '+ANON-DH', '+ANON-ECDH', '%VERIFY_ALLOW_BROKEN',
            '%VERIFY_ALLOW_SIGN_WITH_MD5', '%VERIFY_ALLOW_X509_V1_CA_CRT')


def _flag(params, name):
    """A libvirt integer parameter as libvirt reads it: set when a non-zero integer."""
    value = params.get(name)
    if value is None:
        return False
    try:
        return int(value.strip(), 10) != 0
    except ValueError:
        return False


def _expand(path, home):
    if home and (path == '~' or path.startswith('~/')):
        return home + path[1:]
    return path


def uri_paths(uri, home=None):
    """The local paths a URI names (keyfile, known_hosts, pkipath and its client key), for stat()."""
    try:
        parts = parse_uri(uri)
    except URIError:
        return []
    params = dict((k.lower(), v) for k, v in parts['params'].items())
    paths = []
    for key in ('keyfile', 'known_hosts', 'pkipath'):
        value = params.get(key)
        if value and os.path.isabs(_expand(value, home)):
            paths.append(_expand(value, home))
    if params.get('pkipath') and os.path.isabs(params['pkipath']):
        paths.append(os.path.join(params['pkipath'], 'clientkey.pem'))
    return paths


def uri_findings(uri, alias=None, stat=None, home=None):
    """The findings of one URI (``alias``: the alias name it belongs to, None for a default)."""
    try:
        parts = parse_uri(uri)
    except URIError:
        # Not a URI libvirt accepts: the module reports that elsewhere.
        return []
    found = []

    def add(severity, rule, message):
        found.append({'severity': severity, 'alias': alias, 'rule': rule, 'message': message})

    params = dict((k.lower(), v) for k, v in parts['params'].items())
    driver = (parts['driver'] or '').lower()
    host = parts['host']
    transport = (parts['transport'] or '').lower() or None
    if driver in HTTPS_DRIVERS:
        if _flag(params, 'no_verify'):
            add(HIGH, 'https-no-verify',
                'no_verify=%s turns off the check of the %s server certificate: any server, or a man in the '
                'middle, is accepted' % (params['no_verify'], driver))
        if (params.get('transport') or '').lower() == 'http':
            add(HIGH, 'http-transport',
                'transport=http talks to the %s server unencrypted, credentials included' % driver)
        return found
    if transport is None and host:
        transport = 'tls'
    if transport is None:
        return found

    if parts['user'] and ':' in parts['user']:
        add(HIGH, 'password-in-uri',
            "the user part holds a ':' and so a password in clear text, readable by whoever reads this "
            "configuration; libvirt does not use it as a password (it passes the whole text on as the user name)")

    if transport == 'ssh' and _flag(params, 'no_verify'):
        add(HIGH, 'ssh-no-verify',
            'no_verify=%s turns off SSH host key checking (libvirt runs ssh with StrictHostKeyChecking=no): '
            'an unknown host key is accepted without question, so a spoofed host is not detected'
            % params['no_verify'])
    if transport in ('libssh', 'libssh2'):
        verify = (params.get('known_hosts_verify') or '').lower()
        if verify == 'ignore':
            add(HIGH, 'known-hosts-ignore',
                'known_hosts_verify=ignore turns off host key verification: any host key is accepted, so a '
                'spoofed host is not detected')
        elif verify == 'auto':
            add(MEDIUM, 'known-hosts-auto',
                'known_hosts_verify=auto accepts and remembers the key of a host seen for the first time '
                '(trust on first use): a spoofed host is not detected on the first connection')
    if transport == 'tls' and _flag(params, 'no_verify'):
        add(HIGH, 'tls-no-verify',
            "no_verify=%s turns off the client's check of the server certificate on TLS: any server, or a man "
            "in the middle, is accepted" % params['no_verify'])
    if transport == 'tcp':
        if host and host.lower() not in LOOPBACK:
            add(HIGH, 'plaintext-tcp',
                'the tcp transport is unencrypted: everything, SASL credentials without a security layer '
                'included, crosses the network to %s in clear text (libvirt: not recommended for production '
                'use)' % host)
        else:
            add(LOW, 'plaintext-tcp',
                'the tcp transport is unencrypted; here it stays on this host (%s), but any local user who '
                'can reach the port can connect' % (host or 'localhost'))
    if transport == 'ext':
        add(MEDIUM, 'ext-command',
            'the ext transport runs %r and talks to the daemon through it: libvirt neither encrypts nor '
            'authenticates that channel, its security is whatever the command provides'
            % params.get('command', ''))

    if transport in SSH_TRANSPORTS:
        keyfile = params.get('keyfile')
        if keyfile:
            path = _expand(keyfile, home)
            if not os.path.isabs(path):
                add(LOW, 'keyfile-relative',
                    'keyfile=%s is a relative path: it is looked up in the working directory of each client '
                    'process, so it names a different file (or none) depending on where virsh runs' % keyfile)
            elif stat is not None:
                info = stat(path)
                if info is None:
                    add(MEDIUM, 'keyfile-missing',
                        'keyfile=%s does not exist: this key cannot be used to log in, so the connection fails '
                        'or falls back to other keys and methods' % keyfile)
                elif info[0] & 0o077:
                    add(HIGH, 'keyfile-exposed',
                        'keyfile=%s is readable or writable by group or others (mode %04o): the private key '
                        'is exposed to other accounts (and OpenSSH refuses to use it)'
                        % (keyfile, info[0] & 0o7777))
        known_hosts = params.get('known_hosts')
        if known_hosts and transport in ('libssh', 'libssh2') and stat is not None:
            path = _expand(known_hosts, home)
            if os.path.isabs(path) and stat(path) is None:
                add(MEDIUM, 'known-hosts-missing',
                    'known_hosts=%s does not exist: no host key is known, so connections fail with '
                    'known_hosts_verify=normal, and with auto the first key offered is trusted' % known_hosts)
        sshauth = params.get('sshauth')
        if sshauth is not None and transport in ('libssh', 'libssh2'):
            unknown = [m for m in sshauth.split(',') if m.strip().lower() not in SSHAUTH_METHODS]
            if unknown:
                add(LOW, 'sshauth-unknown',
                    'sshauth=%s names %s, which libvirt does not know (allowed: %s): the connection fails'
                    % (sshauth, ', '.join(repr(m) for m in unknown), ', '.join(SSHAUTH_METHODS)))
    if transport == 'tls':
        pkipath = params.get('pkipath')
        if pkipath and stat is not None and os.path.isabs(pkipath):
            info = stat(pkipath)
            if info is None:
                add(MEDIUM, 'pkipath-missing',
                    'pkipath=%s does not exist: TLS needs the CA certificate, client certificate and client '
                    'key there, so every connection fails' % pkipath)
            else:
                key = stat(os.path.join(pkipath, 'clientkey.pem'))
                if key is not None and key[0] & 0o077:
                    add(HIGH, 'pki-key-exposed',
                        '%s/clientkey.pem is readable or writable by group or others (mode %04o): the TLS '
                        'client key is exposed to other accounts' % (pkipath.rstrip('/'), key[0] & 0o7777))
        priority = params.get('tls_priority')
        if priority:
            weak = [t for t in priority.replace(';', ':').split(':') if t.upper() in WEAK_TLS
                    or t.upper().startswith('+ARCFOUR')]
            if weak:
                add(MEDIUM, 'tls-priority-weak',
                    'tls_priority enables %s, broken protocol versions or ciphers that GnuTLS disables by '
                    'default' % ', '.join(weak))
    return found


def os_stat(path):
    """``stat`` for uri_findings with the caller's identity."""
    import stat as stat_module
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (stat_module.S_IMODE(st.st_mode), stat_module.S_ISDIR(st.st_mode))


def config_findings(aliases, default_uri=None, default_alias=None, stat=None, home=None):
    """Findings of a file's aliases (list of {'name', 'uri'}) and of its default connection.

    ``default_uri`` is the URI the default connection resolves to; it is checked only when it is
    not reached through an alias (whose findings already cover it).  The first entry of a name is
    the one libvirt uses; later duplicates are checked too (they may become active).
    """
    found = []
    for alias in aliases:
        found.extend(uri_findings(alias['uri'], alias['name'], stat, home))
    if default_uri and default_alias is None:
        found.extend(uri_findings(default_uri, None, stat, home))
    return found
