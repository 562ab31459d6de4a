"""Transcripts: the exchanges of a session with their explanations, as text, Markdown or JSON.

``smtp-sim run FILE`` sends a file of command lines to the built-in server (no terminal, no
prompt_toolkit) and prints the explained transcript - for handouts, scripts and tests. The
console's ``:save FILE`` writes the same Markdown. Sent lines are marked `` -> ``, received
lines ``<-  `` (as swaks does); client bytes are always shown escaped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from simulator.terminal import show_bytes, wants_color

from .client import Answer, Connection, LocalConnection, Step, TcpConnection, explain

if TYPE_CHECKING:
    from simulator.lessons import Annotation
    from simulator.protocol import Policy

Fragments = list[tuple[str, str]]

SENT: Final = " -> "
RECEIVED: Final = "<-  "
_WIRE_LINE: Final = re.compile(rb"[^\n]*\n|[^\n]+")
_UNSENT: Final = ("(the server closed the connection; {count} line(s) not sent)",
                  "（服务器已关闭连接；{count} 行没有发送）")
"""The notice after a transcript cut short (English, Chinese)."""
_IN_DATA: Final = ("smtp-sim run: the file ended inside DATA (no line holding only \".\" after "
                   "the 354), so that message was never finished or sent",
                   "smtp-sim run：文件在 DATA 中途结束（354 之后没有只含 \".\" 的一行），"
                   "所以那封邮件没有写完，也没有发出")
"""Said on stderr when the file stops in the middle of a message (English, Chinese)."""


def ended_in_data(steps: Sequence[Step]) -> bool:
    """True when the last thing the server said was 354 (or it said nothing since)."""
    for step in reversed(steps):
        if step.answers:
            return step.answers[-1].code == 354
    return False


def wire_lines(wire: bytes, *, raw: bool = False) -> list[str]:
    """Each received line, escaped; with ``raw`` the CR and LF are shown as ``\\r\\n``."""
    return [show_bytes(line, visible_eol=raw) for line in _WIRE_LINE.findall(wire)]


def sent_fragments(sent: bytes, *, raw: bool = False) -> Fragments:
    return [("class:dim", SENT), ("class:sent", show_bytes(sent, visible_eol=raw) + "\n")]


def answer_fragments(answer: Answer, *, raw: bool = False) -> Fragments:
    from simulator.render import code_style

    style = code_style(answer.code) if answer.code else "class:dim"
    out: Fragments = []
    for line in wire_lines(answer.wire, raw=raw):
        out += [("class:dim", RECEIVED), (style, line + "\n")]
    return out


def explanation_fragments(annotation: Annotation | None, *, brief: bool = True) -> Fragments:
    """The explanation under a reply, indented by render; nothing for non-SMTP bytes."""
    if annotation is None:
        return []
    from simulator.render import annotation_fragments

    return list(annotation_fragments(annotation, brief=brief))


def step_fragments(step: Step, lang: str, *, raw: bool = False, brief: bool = True,
                   ) -> Fragments:
    """One step on screen: the sent line, then each reply followed by its explanation."""
    out: Fragments = [] if step.sent is None else sent_fragments(step.sent, raw=raw)
    for answer in step.answers:
        out += answer_fragments(answer, raw=raw)
        out += explanation_fragments(explain(answer, lang), brief=brief)
    return out


def format_text(steps: Sequence[Step], lang: str, *, color: bool, raw: bool = False) -> str:
    """The transcript for a terminal (ANSI colours) or a file (plain)."""
    from simulator.render import to_ansi, to_plain

    fragments: Fragments = []
    for step in steps:
        fragments += step_fragments(step, lang, raw=raw)
    return to_ansi(fragments) if color else to_plain(fragments)


def _markdown_explanation(annotation: Annotation) -> list[str]:
    """The explanation as a short list: title, class meaning, why, fix, rule (escaped)."""
    from simulator.lessons import labels
    from simulator.render import fix_label, md_escape

    words = labels(annotation.lang)
    lines = [f"**{md_escape(annotation.title)}**", "", f"- {md_escape(annotation.meaning)}"]
    fix = fix_label(words, annotation.code)
    for label, text in ((words["why"], annotation.why), (fix, annotation.fix),
                        (words["rfc"], annotation.rfc or "")):
        if text:
            body = md_escape(text).replace("\n", "  \n  ")
            lines.append(f"- **{md_escape(label)}**{words['colon']}{body}")
    return lines


def _fence(block: list[str]) -> str:
    """A code fence longer than any run of backticks in the block (CommonMark §4.5)."""
    longest = max((len(run) for line in block for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def format_markdown(steps: Sequence[Step], lang: str, *, title: str = "SMTP transcript") -> str:
    """A handout: each exchange as a code block, its explanations below it."""
    out = [f"# {title}", ""]
    for step in steps:
        block = [] if step.sent is None else [SENT + show_bytes(step.sent)]
        for answer in step.answers:
            block += [RECEIVED + line for line in wire_lines(answer.wire)]
        fence = _fence(block)
        out += [fence + "text", *block, fence, ""]
        for answer in step.answers:
            annotation = explain(answer, lang)
            if annotation is not None:
                out += [*_markdown_explanation(annotation), ""]
    return "\n".join(out)


def _answer_json(answer: Answer, lang: str) -> dict[str, object]:
    annotation = explain(answer, lang)
    record: dict[str, object] = {
        "code": answer.code, "enhanced": answer.enhanced,
        "key": None if answer.exchange is None else answer.exchange.reply.key,
        "wire": wire_lines(answer.wire), "closes": answer.closes,
    }
    if answer.exchange is not None:
        record["state_after"] = answer.exchange.state_after.value
    if annotation is not None:
        record["explanation"] = {"title": annotation.title, "meaning": annotation.meaning,
                                 "why": annotation.why, "fix": annotation.fix,
                                 "rfc": annotation.rfc}
    return record


def format_json(steps: Sequence[Step], lang: str, *, unsent: int = 0) -> str:
    """Machine-readable: one object per step, replies with key, wire lines and explanation."""
    records = [{"sent": None if step.sent is None else show_bytes(step.sent),
                "state_before": step.state_before.value,
                "replies": [_answer_json(answer, lang) for answer in step.answers]}
               for step in steps]
    return json.dumps({"lang": lang, "steps": records, "unsent_lines": unsent},
                      ensure_ascii=False, indent=2)


def split_lines(data: bytes) -> list[bytes]:
    """Command lines of a file: split at LF, one trailing CR dropped (CRLF files work too)."""
    lines = [line.removesuffix(b"\r") for line in data.split(b"\n")]
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


async def play(lines: Sequence[bytes], *, policy: Policy,
               connection: Connection | None = None) -> tuple[list[Step], int]:
    """Send each line plus CRLF to a fresh built-in server (or to ``connection``); the steps,
    and how many lines were left unsent because the server closed the connection first."""
    if connection is None:
        from simulator.store import MemoryStore

        connection = LocalConnection(policy=policy, store=MemoryStore())
    try:
        steps = [await connection.start()]
        for index, line in enumerate(lines):
            if connection.closed:
                return steps, len(lines) - index
            steps.append(await connection.send(line + b"\r\n"))
    finally:
        await connection.aclose()
    return steps, 0


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


def run_file(args: argparse.Namespace) -> int:
    """``smtp-sim run FILE``: print the explained transcript; 2 when the file cannot be read."""
    import trio

    from simulator.protocol import Policy

    try:
        data = _read(args.file)
    except OSError as err:
        print(f"smtp-sim run: cannot read {args.file}: {err.strerror or err}", file=sys.stderr)
        return 2
    lang = args.lang or "en"
    policy = Policy(accept_bare_lf=bool(getattr(args, "accept_bare_lf", False)))
    peer: tuple[str, int] | None = getattr(args, "connect_to", None)
    if peer is None and getattr(args, "connect", None):  # if the CLI gives `run` --connect
        from .client import parse_peer

        try:
            peer = parse_peer(args.connect)
        except ValueError as err:
            print(f"smtp-sim run: --connect: {err}", file=sys.stderr)
            return 2
    connection = None if peer is None else TcpConnection(*peer)
    try:
        steps, unsent = trio.run(
            lambda: play(split_lines(data), policy=policy, connection=connection))
    except OSError as err:
        print(f"smtp-sim: cannot connect to {peer}: {err.strerror or err}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(format_json(steps, lang, unsent=unsent))
    elif args.format == "markdown":
        print(format_markdown(steps, lang))
    else:
        color = wants_color(sys.stdout, no_color=args.no_color)
        sys.stdout.write(format_text(steps, lang, color=color))
        if unsent:
            print(_UNSENT[lang == "zh"].format(count=unsent))
    if not unsent and ended_in_data(steps):
        print(_IN_DATA[lang == "zh"], file=sys.stderr)
    return 0
