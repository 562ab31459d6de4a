"""What the console says about TLS and AUTH: the handshake, the certificate, ``:b64``.

Pure: a Step or the arguments of ``:b64`` in, ``(style, text)`` fragments out. On the
learner's own screen credentials are shown as typed; ``:b64`` is there to show that base64
is an encoding anyone can undo, which is why AUTH belongs after STARTTLS.
"""

from __future__ import annotations

import base64
import binascii

from simulator.client import SessionView, Step
from simulator.client.tls import CertificateInfo
from simulator.protocol import Policy
from simulator.protocol.escape import show_bytes

Fragments = list[tuple[str, str]]

def text(key: str, lang: str, **fields: object) -> str:
    """The ``tls.`` UI string ``key`` (lessons/ui.LANG.toml)."""
    from simulator.lessons.ui import text as ui_text

    return ui_text(f"tls.{key}", lang, **fields)


def tls_fragments(step: Step, lang: str) -> Fragments:
    """The notices after a step that ended with a TLS handshake, or with its refusal."""
    if step.tls_refused is not None:
        problem = show_bytes(step.tls_refused.encode())
        return [("class:code.5xx", text("refused", lang, problem=problem) + "\n")]
    if step.tls is None:
        return []
    info = step.tls
    out: Fragments = [("class:code.2xx", text("established", lang, version=info.version,
                                              cipher=info.cipher) + "\n")]
    if info.certificate is not None:
        out += certificate_fragments(info.certificate, lang)
    return out


def certificate_fragments(cert: CertificateInfo, lang: str) -> Fragments:
    """Subject, issuer, validity, and whether the system trusts it."""
    shown = {"subject": show_bytes(cert.subject.encode()),
             "issuer": show_bytes(cert.issuer.encode()),
             "start": cert.not_before.strftime("%Y-%m-%d"),
             "end": cert.not_after.strftime("%Y-%m-%d")}
    out: Fragments = [("class:dim", text("certificate", lang, **shown) + "\n")]
    if cert.trusted:
        return [*out, ("class:dim", text("trusted", lang) + "\n")]
    problem = show_bytes((cert.problem or "").encode())
    return [*out, ("class:code.4xx", text("untrusted", lang, problem=problem) + "\n")]


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
        lines.append(text("app-password", lang, code=account.app_password, **fields)
                     if account.app_password else text("account", lang, **fields))
    return [("class:dim", line + "\n") for line in lines]


def security_parts(view: SessionView, lang: str) -> list[tuple[str, str]]:
    """``auth: student`` for the toolbar, once logged in (TLS is shown by the state)."""
    if view.user is None:
        return []
    return [(text("auth", lang), show_bytes(view.user.encode()) if view.user else "✓")]
