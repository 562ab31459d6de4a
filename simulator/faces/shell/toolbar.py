"""The bottom toolbar: where the session is, who it is from, how many recipients, language.

Pure: a :class:`~simulator.client.connection.SessionView` in, ``(style, text)`` fragments out.
In DATA it says how the message ends, because that is where newcomers get stuck.
"""

from __future__ import annotations

from typing import Final

from simulator.client.connection import SessionView
from simulator.faces.shell.tlsview import security_parts
from simulator.lessons.entries import state_name
from simulator.lessons.ui import text
from simulator.protocol.escape import shorten, show_bytes
from simulator.protocol.state import State
from simulator.render.wrap import Fragments, text_width


def state_label(view: SessionView, lang: str = "en", *, wide: bool = False) -> str:
    """``rcpt (2)`` in RCPT, the state name otherwise; on a wide screen as the lessons word
    it in ``lang`` (zh: “greeted”（已打招呼）, the [states] table of codes.LANG.toml)."""
    name = state_name(view.state.value, lang) if wide else view.state.value
    if view.state is State.RCPT:
        return f"{name} ({view.recipients})"
    return name


WIDE: Final = 100
"""From this many columns on the toolbar spells its labels out; below it they are short."""


def toolbar_fragments(view: SessionView, *, lang: str, eol: str, raw: bool,
                      peer: str = "", width: int = WIDE) -> Fragments:
    """The toolbar line for ``view``, fitting ``width`` columns (60 and up)."""
    if view.connecting:
        return [("class:toolbar.data", f" {text('bar.connecting', lang, peer=peer)} ")]
    if view.state is State.CLOSED:
        return [("class:toolbar.closed", f" {text('bar.closed', lang)} ")]
    if view.state is State.DATA:
        if eol != "crlf":  # a bare-LF dot never ends the message (RFC 5321 §4.1.1.4)
            return [("class:toolbar.closed", f" {text('bar.data-lf', lang)} ")]
        return [("class:toolbar.data", f" {text('bar.data', lang)} ")]
    sender = "-" if view.sender is None else show_bytes(view.sender.encode())
    out = _line(view, sender, lang=lang, eol=eol, raw=raw, peer=peer, width=width)
    while view.sender is not None and len(sender) > 4:  # the sender gives way first
        overflow = text_width("".join(t for _, t in out)) - (width - 1)
        if overflow <= 0:
            break
        sender = shorten(sender, max(len(sender) - overflow, 4))
        out = _line(view, sender, lang=lang, eol=eol, raw=raw, peer=peer, width=width)
    return out


def _line(view: SessionView, sender: str, *, lang: str, eol: str, raw: bool, peer: str,
          width: int) -> Fragments:
    sender = sender if sender == "-" else f"<{sender}>"
    label = state_label(view, lang, wide=width >= WIDE)
    fields = [("state", label + (" TLS" if view.tls else "")), ("from", sender),
              ("to", str(view.recipients)), ("accepted", str(view.accepted))]
    if view.errors is not None and view.budget:
        fields.append(("errors", f"{view.errors}/{view.budget}"))
    fields.append(("eol", eol.upper()))
    parts = [(_label(name, lang, wide=width >= WIDE), value) for name, value in fields]
    parts += security_parts(view, lang)  # auth: NAME, once logged in
    out: Fragments = [("class:toolbar", " ")]
    bar = " │ " if width >= WIDE else "│"
    for label, value in parts:
        label = f"{label}: " if width >= WIDE else f"{label} " if label else ""
        out += [("class:toolbar", label),
                ("class:toolbar.value", value), ("class:toolbar", bar)]
    flags = [lang] + (["raw"] if raw else []) + ([peer] if peer and width >= WIDE else [])
    out.append(("class:toolbar", " ".join(flags) + " "))
    return out


def _label(name: str, lang: str, *, wide: bool) -> str:
    """A field's label: spelled out on a wide screen, short (none for the state) below."""
    if wide:
        return text(f"bar.{name}", lang)
    return "" if name == "state" else text(f"bar.short-{name}", lang)
