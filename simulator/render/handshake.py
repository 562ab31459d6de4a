"""What a transcript says after STARTTLS: the handshake (version, cipher), the server's
certificate and whether it is trusted, or why ``--verify`` refused it.

Shared by the console (faces/shell) and the transcripts ``smtp-sim run`` prints and
``:save`` writes; the words are the ``tls.`` UI strings (lessons/ui.LANG.toml).
"""

from __future__ import annotations

from simulator.client.connection import Step
from simulator.client.tls import CertificateInfo
from simulator.lessons.ui import text as ui_text
from simulator.protocol.escape import show_bytes

from .wrap import Fragments


def text(key: str, lang: str, **fields: object) -> str:
    """The ``tls.`` UI string ``key`` (lessons/ui.LANG.toml)."""
    return ui_text(f"tls.{key}", lang, **fields)


def tls_fragments(step: Step, lang: str) -> Fragments:
    """The notices after a step that ended with a TLS handshake, or with its refusal."""
    if step.tls_refused is not None:
        problem = show_bytes(step.tls_refused.encode())
        return [("class:code.5xx", text("refused", lang, problem=problem) + "\n")]
    if step.tls is None:
        return []
    info = step.tls
    key = "established" if step.sent is not None else "established-implicit"  # RFC 8314 §3.3
    out: Fragments = [("class:code.2xx", text(key, lang, version=info.version,
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
