"""The bottom toolbar: where the session is, who it is from, how many recipients, language.

Pure: a :class:`~simulator.client.SessionView` in, ``(style, text)`` fragments out.
In DATA it says how the message ends, because that is where newcomers get stuck.
"""

from __future__ import annotations

from simulator.client import SessionView
from simulator.faces.console.strings import text
from simulator.faces.console.tlsview import security_parts
from simulator.protocol.escape import show_bytes
from simulator.protocol.state import State

Fragments = list[tuple[str, str]]


def state_label(view: SessionView) -> str:
    """``rcpt (2)`` in RCPT, the state name otherwise."""
    if view.state is State.RCPT:
        return f"{view.state.value} ({view.recipients})"
    return str(view.state.value)


def toolbar_fragments(view: SessionView, *, lang: str, eol: str, raw: bool,
                      peer: str = "") -> Fragments:
    """The toolbar line for ``view``."""
    if view.state is State.CLOSED:
        return [("class:toolbar.closed", f" {text('bar.closed', lang)} ")]
    if view.state is State.DATA:
        if eol != "crlf":  # a bare-LF dot never ends the message (RFC 5321 §4.1.1.4)
            return [("class:toolbar.closed", f" {text('bar.data-lf', lang)} ")]
        return [("class:toolbar.data", f" {text('bar.data', lang)} ")]
    sender = "-" if view.sender is None else f"<{show_bytes(view.sender.encode())}>"
    parts = [
        (text("bar.state", lang), state_label(view) + (" TLS" if view.tls else "")),
        *security_parts(view, lang),
        (text("bar.from", lang), sender),
        (text("bar.to", lang), str(view.recipients)),
        (text("bar.accepted", lang), str(view.accepted)),
        (text("bar.lang", lang), lang),
    ]
    out: Fragments = [("class:toolbar", " ")]
    for label, value in parts:
        out += [("class:toolbar", f"{label}: "), ("class:toolbar.value", value),
                ("class:toolbar", " │ ")]
    flags = [eol.upper()] + (["raw"] if raw else []) + ([peer] if peer else [])
    out.append(("class:toolbar", " ".join(flags) + " "))
    return out
