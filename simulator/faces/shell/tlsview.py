"""What the console says about TLS and AUTH: the handshake, the certificate, ``:b64``.

Pure: a Step or the arguments of ``:b64`` in, ``(style, text)`` fragments out. On the
learner's own screen credentials are shown as typed; ``:b64`` is there to show that base64
is an encoding anyone can undo, which is why AUTH belongs after STARTTLS.
"""

from __future__ import annotations

import base64
import binascii

from simulator.client.connection import SessionView
from simulator.protocol import Policy
from simulator.protocol.auth import AppStyle
from simulator.protocol.escape import show_bytes
from simulator.render.handshake import certificate_fragments, text, tls_fragments
from simulator.render.wrap import Fragments

__all__ = ["b64_fragments", "certificate_fragments", "offered_fragments", "security_parts",
           "tls_fragments"]


def b64_fragments(argument: str, lang: str) -> Fragments:
    """``:b64 TEXT`` (``\\0`` for NUL) or ``:b64 -d TEXT``."""
    if argument.startswith("-d ") or argument == "-d":
        encoded = argument[2:].strip()
        shown = show_bytes(encoded.encode())
        try:
            data = base64.b64decode(encoded.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return [("class:code.5xx", text("bad", lang, encoded=shown) + "\n")]
        decoded = show_bytes(data).replace("\\x00", "\\0")
        line = text("decoded", lang, encoded=shown, text=decoded)
    else:
        data = argument.replace("\\0", "\0").encode("utf-8", "surrogateescape")
        encoded = base64.b64encode(data).decode("ascii")
        line = text("encoded", lang, text=show_bytes(data).replace("\\x00", "\\0"),
                    encoded=encoded)
    return [("class:title", line + "\n"), ("class:dim", text("note", lang) + "\n")]


def offered_fragments(policy: Policy, lang: str) -> Fragments:
    """At start: what the built-in server offers, and the accounts to log in with."""
    lines = [text("offers-tls", lang)] if policy.tls else []
    for account in policy.accounts if policy.auth else ():
        fields = {"name": show_bytes(account.name.encode()),
                  "password": show_bytes(account.password.encode())}
        style = "authorization-code" if account.app_style is AppStyle.QQ else "app-password"
        lines.append(text(style, lang, code=account.app_password, **fields)
                     if account.app_password else text("account", lang, **fields))
    return [("class:dim", line + "\n") for line in lines]


def security_parts(view: SessionView, lang: str) -> list[tuple[str, str]]:
    """``auth: student`` for the toolbar, once logged in (TLS is shown by the state)."""
    if view.user is None:
        return []
    return [(text("auth", lang), show_bytes(view.user.encode()) if view.user else "✓")]
