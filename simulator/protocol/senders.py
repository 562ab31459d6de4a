"""Who may send as whom: the sender login check of a submission server.

A server that lets its users relay must also stop one user from sending as another, or a
logged-in student could put the teacher's address in MAIL FROM. Postfix does it with
``smtpd_sender_login_maps`` (which login owns which address) and
``reject_sender_login_mismatch``, answering 553 5.7.1 "Sender address rejected: not owned
by user ..." (RFC 3463 X.7.1: not authorized); Gmail and Outlook rewrite or refuse such a
sender in the same spirit. Here the owners come from the accounts (``--user``, a lesson's
``auth``): an account named by an address owns it, and its ``addresses`` (aliases) too.
The check is a policy switch (:attr:`Policy.sender_login_match`), asked by the Referee at
MAIL FROM after the engine's own checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from .auth import Account
from .commands import ProtocolError, fail
from .escape import quote


def owned(account: Account) -> frozenset[str]:
    """The sender addresses ``account`` may use, lower-cased (Postfix looks the address up
    without regard to case): its name when that is an address, and its aliases."""
    names = (account.name, *account.addresses) if "@" in account.name else account.addresses
    return frozenset(name.lower() for name in names)


def owners(accounts: Sequence[Account], path: str) -> tuple[str, ...]:
    """The logins that own ``path`` (none for an address nobody owns)."""
    address = path.lower()
    return tuple(account.name for account in accounts if address in owned(account))


def sender_refusal(accounts: Sequence[Account], user: str | None,
                   path: str) -> ProtocolError | None:
    """The 553 5.7.1 MAIL FROM:<path> gets from ``user`` (None: not logged in), or None.

    As ``reject_sender_login_mismatch``: a logged-in user may send only as an address it
    owns; a client that did not log in may not use an address some account owns. The null
    sender ``<>`` (bounces, RFC 5321 §4.5.5) belongs to nobody and always passes.
    """
    if not path:
        return None
    found = owners(accounts, path)
    if user is None:
        return fail("mail.sender-needs-login", path=quote(path, 200)) if found else None
    if user in found:
        return None
    return fail("mail.sender-not-owned", path=quote(path, 200))
