"""From the TLS and AUTH options of every face to what the server needs.

``--tls --cert --key --tls-port --auth --user --require-tls --require-auth
--sender-login-match`` mean the same
for ``serve``, the console and ``run``: :func:`read_options` checks them once, and
:func:`prepare` turns them into the Policy fields, the accounts and the server's SSL
context (a generated certificate when none is named).
"""

from __future__ import annotations

import argparse
import dataclasses
import secrets
import ssl
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from simulator.protocol import Policy
from simulator.protocol.auth import DEFAULT_ACCOUNTS, Account, parse_account
from simulator.server.tls import (
    EXPIRED,
    MAX_PEM_FILE,
    CertificateFiles,
    fingerprint,
    generated_certificate,
    pem_problem,
    server_context,
)

APP_PASSWORD_LENGTH: Final = 16  # like the authorization codes of QQ Mail and 163


class OptionError(ValueError):
    """A bad combination of options; ``str()`` names the option and what to do."""


@dataclass(frozen=True, slots=True)
class SecurityOptions:
    """The TLS and AUTH options as given (a face's argparse result, checked)."""

    tls: bool = False
    tls_port: int | None = None
    cert: Path | None = None
    key: Path | None = None
    auth: bool = False
    users: tuple[str, ...] = ()
    require_tls: bool = False
    require_auth: bool = False
    sender_login_match: bool = False
    """MAIL FROM only with an address the logged-in account owns (senders.py)."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the server runs with: its policy, its TLS context (if any) and where it came from."""

    policy: Policy
    context: ssl.SSLContext | None
    files: CertificateFiles | None
    generated: bool
    fingerprint: str | None

    @property
    def accounts(self) -> tuple[Account, ...]:
        return self.policy.accounts if self.policy.auth else ()


def read_options(args: argparse.Namespace) -> SecurityOptions:
    """The options from ``args`` (missing ones are off); OptionError when they do not fit.

    ``--require-tls`` and ``--tls-port`` imply ``--tls``; ``--user``, ``--require-auth`` and
    ``--sender-login-match`` imply ``--auth``.
    """
    def get(name: str, default: object = None) -> object:
        return getattr(args, name, default)

    tls_port = get("tls_port")
    cert, key = get("cert"), get("key")
    given = get("user")
    users = tuple(str(user) for user in given) if isinstance(given, list | tuple) else ()
    if (cert is None) != (key is None):
        raise OptionError("--cert and --key go together: name both files, or neither")
    if tls_port is not None and not 0 <= int(str(tls_port)) <= 65535:
        raise OptionError(f"--tls-port must be between 0 and 65535, not {tls_port}")
    tls = bool(get("tls", False) or get("require_tls", False) or tls_port is not None or cert)
    sender_login_match = bool(get("sender_login_match", False))
    auth = bool(get("auth", False) or users or get("require_auth", False) or sender_login_match)
    return SecurityOptions(
        tls=tls, tls_port=None if tls_port is None else int(str(tls_port)),
        cert=Path(str(cert)) if cert else None, key=Path(str(key)) if key else None,
        auth=auth, users=users, require_tls=bool(get("require_tls", False)),
        require_auth=bool(get("require_auth", False)), sender_login_match=sender_login_match)


def new_app_password() -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(APP_PASSWORD_LENGTH))


def accounts(users: tuple[str, ...]) -> tuple[Account, ...]:
    """The ``--user`` accounts, or student/secret; OptionError for a malformed one."""
    if not users:
        return DEFAULT_ACCOUNTS
    out: list[Account] = []
    for user in users:
        try:
            out.append(parse_account(user, new_app_password()))
        except ValueError:
            raise OptionError(f"--user {user!r}: write NAME:PASSWORD, or "
                              "NAME:PASSWORD:app-password for an account that needs an app "
                              "password") from None
    return tuple(out)


def prepare(options: SecurityOptions, policy: Policy, *,
            directory: Path | None = None) -> Prepared:
    """The policy with TLS and AUTH, and the certificate; OptionError if it cannot be used."""
    policy = dataclasses.replace(
        policy, tls=options.tls, require_tls=options.require_tls, auth=options.auth,
        accounts=accounts(options.users) if options.auth else policy.accounts,
        require_auth=options.require_auth, sender_login_match=options.sender_login_match)
    if not options.tls:
        return Prepared(policy, None, None, False, None)
    files = None
    if options.cert is not None and options.key is not None:
        files = CertificateFiles(options.cert, options.key)
    return with_certificate(policy, files, directory=directory)


def with_certificate(policy: Policy, files: CertificateFiles | None = None, *,
                     directory: Path | None = None) -> Prepared:
    """``policy`` served with ``files``, or with a certificate generated for its hostname
    (``--tls`` alone, or a lesson whose server offers STARTTLS); OptionError if unusable."""
    generated = files is None
    if files is not None:
        _check_own(files)
    try:
        files = files or generated_certificate(policy.hostname, directory)
        context = server_context(files)
        return Prepared(policy, context, files, generated, fingerprint(files.cert))
    except (OSError, ssl.SSLError, ValueError) as err:
        raise OptionError(f"cannot use the TLS certificate: {err}") from None


OWN_FILE_PROBLEMS: Final = {
    "not-a-file": "not a regular file (a folder, a pipe or a device); name the PEM file itself",
    "too-large": f"larger than {MAX_PEM_FILE} octets, which no certificate or key is; name the "
                 "PEM file itself",
    "not-certificate": "not a PEM certificate; give the certificate chain in PEM form "
                       "(-----BEGIN CERTIFICATE-----), the server's own certificate first",
    "not-key": "not a PEM private key, or one locked with a passphrase; give the key in PEM "
               "form without a passphrase (-----BEGIN PRIVATE KEY-----)",
}
"""What is wrong with a user's own ``--cert``/``--key`` file, and what to do."""


def _check_own(files: CertificateFiles) -> None:
    """OptionError naming the option and the file of ``--cert``/``--key`` that cannot serve,
    with what to do (an expired certificate of the user's is theirs to use)."""
    found = pem_problem(files)
    if found is None or found[1] == EXPIRED:
        return
    path, problem = found
    option = "--cert" if path == files.cert else "--key"
    if problem == "mismatch":
        raise OptionError(f"cannot use the TLS certificate: --key {files.key} is not the key "
                          f"of --cert {files.cert}; name the key the certificate was made for")
    what = OWN_FILE_PROBLEMS.get(problem, f"cannot read it ({problem}); name a file you may read")
    raise OptionError(f"cannot use the TLS certificate: {option} {path}: {what}")
