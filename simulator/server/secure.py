"""From the TLS and AUTH options of every face to what the server needs.

``--tls --cert --key --tls-port --auth --user --require-tls --require-auth
--sender-login-match`` mean the same
for ``serve``, the console and ``run`` (a :class:`SecurityOptions` record, which the
command line builds): :func:`read_options` checks them once, and
:func:`prepare` turns them into the Policy fields, the accounts and the server's SSL
context (a generated certificate when none is named).
"""

from __future__ import annotations

import dataclasses
import secrets
import ssl
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from simulator.options.records import OptionError, SecurityOptions
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


def read_options(given: SecurityOptions) -> SecurityOptions:
    """The options as given, checked and completed; OptionError when they do not fit.

    ``--require-tls``, ``--tls-port`` and ``--cert`` imply ``--tls``; ``--user``,
    ``--require-auth`` and ``--sender-login-match`` imply ``--auth``.
    """
    if (given.cert is None) != (given.key is None):
        raise OptionError("cert-without-key")
    tls = given.tls or given.require_tls or given.tls_port is not None or given.cert is not None
    auth = given.auth or bool(given.users) or given.require_auth or given.sender_login_match
    return dataclasses.replace(given, tls=tls, auth=auth)


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
            raise OptionError("bad-user", user=user) from None
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
        raise OptionError("certificate-unusable", error=err) from None


OWN_FILE_PROBLEMS: Final = frozenset({"not-a-file", "too-large", "not-certificate", "not-key"})
"""What can be wrong with a user's own ``--cert``/``--key`` file: each the ``[options]``
sentence ``own-PROBLEM``, which says what to do."""


def _check_own(files: CertificateFiles) -> None:
    """OptionError naming the option and the file of ``--cert``/``--key`` that cannot serve,
    with what to do (an expired certificate of the user's is theirs to use)."""
    found = pem_problem(files)
    if found is None or found[1] == EXPIRED:
        return
    path, problem = found
    option = "--cert" if path == files.cert else "--key"
    if problem == "mismatch":
        raise OptionError("key-mismatch", key_file=files.key, cert_file=files.cert)
    if problem in OWN_FILE_PROBLEMS:
        raise OptionError(f"own-{problem}", option=option, path=path, limit=MAX_PEM_FILE)
    raise OptionError("own-unreadable", option=option, path=path, problem=problem)
