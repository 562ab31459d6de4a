"""What each meta-command does. Parsing is in ``meta.py``; the state they act on is a
:class:`~simulator.faces.shell.context.ConsoleContext`. Nothing here talks to the server except
``:reconnect`` (a new session) and ``:quit`` (a polite QUIT first).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from simulator.client.connection import Step
from simulator.client.script import Notice
from simulator.faces.prompt.spec import MetaSpec
from simulator.faces.shell.connect import connect
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.meta import SPECS, MetaCommand, MetaError
from simulator.faces.shell.settings import Settings, save_settings
from simulator.files import FileRefused, open_output
from simulator.lessons.refusals import say as refusal
from simulator.lessons.ui import text
from simulator.protocol import State
from simulator.protocol.escape import show_bytes, show_typed
from simulator.render.wrap import Fragments

Handler = Callable[[ConsoleContext, tuple[str, ...]], Awaitable[bool]]
"""A meta-command: True means leave the console."""


async def run_meta(ctx: ConsoleContext, parsed: MetaCommand | MetaError) -> bool:
    """Carry out a parsed meta-command, or explain what was wrong with it."""
    if isinstance(parsed, MetaError):
        if parsed.spec is None:
            ctx.say("unknown-meta", "class:code.5xx", name=show_typed(parsed.name, limit=40),
                    names=" ".join(_names(ctx)))
        else:
            ctx.say("usage", "class:code.5xx", usage=parsed.spec.usage)
        return False
    return await HANDLERS[parsed.name](ctx, parsed.args)


KEYS: Final = ("tab", "enter", "up", "ctrl-r", "ctrl-c", "ctrl-d")
"""The key bindings :help lists (their names and texts are in ui.LANG.toml [keys])."""


def _hanging(term: str, description: str, column: int, width: int) -> Fragments:
    """``term`` then ``description`` wrapped beside it, continuation lines indented to
    ``column``; on a narrow terminal the description goes under the term."""
    from simulator.render.fragments import wrap
    from simulator.render.wrap import text_width

    columns = text_width(term)  # a key's zh name (上箭头) takes two columns a character
    under = width - column < 30 or columns + 4 > column
    column = 6 if under else column
    head = f"  {term}\n" if under else f"  {term}{' ' * (column - 2 - columns)}"
    body = "".join(t for _, t in wrap([("", description)], max(width - column, 20)))
    lines = body.rstrip("\n").split("\n")
    pad = " " * column
    return [("class:title", head), *(("", (pad if index or under else "") + line + "\n")
                                     for index, line in enumerate(lines))]


def _specs(ctx: ConsoleContext) -> tuple[MetaSpec, ...]:
    """The console's commands, then a guide's (a lesson's :goal, :hint...)."""
    return SPECS if ctx.guide is None else (*SPECS, *ctx.guide.specs)


def _names(ctx: ConsoleContext) -> tuple[str, ...]:
    return tuple(f":{spec.name}" for spec in _specs(ctx))


def _describe(ctx: ConsoleContext, spec: MetaSpec) -> str:
    if ctx.guide is not None and spec in ctx.guide.specs:
        return ctx.guide.help_text(spec.name, ctx.lang)
    return text(f"help.{spec.name}", ctx.lang)


def _width(ctx: ConsoleContext) -> int:
    import shutil

    return shutil.get_terminal_size().columns - 1 if ctx.screen.wrap else 200


async def _help(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """Every meta-command and the key bindings; ``:help CMD`` explains one command."""
    width = _width(ctx)
    if args:
        name = args[0].lower().lstrip(":")
        spec = next((s for s in _specs(ctx) if s.name == name), None)
        if spec is None:
            ctx.say("unknown-meta", "class:code.5xx", name=show_typed(args[0], limit=40),
                    names=" ".join(_names(ctx)))
            return False
        ctx.show(_hanging(spec.usage, _describe(ctx, spec), len(spec.usage) + 4, width),
                 wrap=False)
        return False
    column = max(len(spec.usage) for spec in _specs(ctx)) + 4
    lines: Fragments = [("class:heading", text("console.help-title", ctx.lang) + "\n")]
    for spec in _specs(ctx):
        lines += _hanging(spec.usage, _describe(ctx, spec), column, width)
    lines.append(("class:heading", text("console.help-keys", ctx.lang) + "\n"))
    for key in KEYS:
        lines += _hanging(text(f"keys.{key}-name", ctx.lang), text(f"keys.{key}", ctx.lang),
                          column, width)
    from simulator.render.fragments import wrap

    lines += wrap([("class:dim", text("console.help-smtp", ctx.lang) + "\n")], width)
    await ctx.page(lines, wrap=False)  # taller than a 24-line screen: a page at a time
    return False


async def _explain(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """The same explanation as ``smtp-sim explain`` (codes, comparisons, enhanced codes)."""
    from simulator.lessons.lookup import ExplainError, parse_request
    from simulator.render.fragments import explain_fragments

    try:
        request = parse_request(list(args), ctx.lang)
    except ExplainError as err:
        ctx.show([("class:code.5xx", f"{err}\n")])
        return False
    from simulator.lessons.scenario_view import sent_by

    fragments = explain_fragments(request.entries, request.comparison, request.enhanced,
                                  classes=request.classes, notes=request.notes)
    fragments += [("class:dim", f"\n{sent_by(entry.code, ctx.lang)}\n")
                  for entry in request.entries]
    ctx.show([*fragments, ("", "\n")])
    return False


async def _more(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    from simulator.client.connection import explain
    from simulator.lessons.entries import UnknownCodeError, code_entry
    from simulator.render import fragments as render
    from simulator.render.transcript import explanation_fragments

    answer = ctx.transcript.last_answer()
    annotation = None if answer is None else explain(answer, ctx.lang)
    if answer is None or annotation is None:
        ctx.say("more-none")
        return False
    fragments = explanation_fragments(annotation, brief=False)
    with contextlib.suppress(UnknownCodeError):
        fragments += [("", "\n"), *render.entry_fragments(code_entry(answer.code, ctx.lang))]
    ctx.show(fragments)
    return False


async def _state(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    import shutil

    from simulator.render.statediagram import diagram

    width = shutil.get_terminal_size().columns if ctx.screen.wrap else 200
    await ctx.page(diagram(ctx.view().state, ctx.lang, width=width - 1))
    if ctx.settings.connect_to is not None:
        ctx.say("state-foreign", peer=ctx.link.connection.peer if ctx.link.connection else "")
    return False


async def _scenario(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """The built-in server's scenario: title, settings and every rule, in order."""
    from simulator.lessons.scenario_view import describe
    from simulator.lessons.scenario_view import text as scenario_text

    heading, *lines = describe(ctx.link.policy.scenario, ctx.lang)
    fragments = [("class:heading", heading + "\n")]
    fragments += [("", f"  {line}\n") for line in lines]
    if ctx.settings.connect_to is not None:
        fragments.append(("class:dim", scenario_text("remote", ctx.lang) + "\n"))
    ctx.show(fragments)
    return False


async def _mailbox(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    messages = None if ctx.link.connection is None else ctx.link.connection.messages()
    if messages is None:
        peer = "" if ctx.link.connection is None else ctx.link.connection.peer
        ctx.say("mailbox-remote", peer=peer)
    elif not messages:
        ctx.say("mailbox-empty")
        _usage(ctx)
    elif not args:
        for number, stored in enumerate(messages, 1):
            envelope = stored.message.envelope
            recipients = ", ".join(f"<{show_bytes(r.encode())}>" for r in envelope.recipients)
            entry = text("console.mailbox-entry", ctx.lang,
                         sender=f"<{show_bytes(envelope.sender.encode())}>",
                         recipients=recipients, octets=len(stored.message.content),
                         queue_id=stored.message.queue_id)
            ctx.show([("class:title", f"  {number}. "), ("", entry + "\n")])
        _usage(ctx)
        ctx.say("mailbox-show")
    elif not (args[0].isascii() and args[0].isdigit()) or not 1 <= int(args[0]) <= len(messages):
        ctx.say("mailbox-missing", "class:code.5xx", number=show_bytes(args[0].encode()))
    else:
        message = messages[int(args[0]) - 1].message
        lines = message.content.removesuffix(b"\r\n").split(b"\r\n")  # blank lines matter
        # Tabs (folded Received: lines) are shown as spaces, not as an escaped \t.
        ctx.show([("", show_bytes(line.replace(b"\t", b"    ")) + "\n") for line in lines])
        if message.verdicts is not None:  # a scenario with a zone judged it
            from simulator.lessons.verdicts import verdict_lines

            ctx.show([("class:why", show_typed(line, limit=600) + "\n")
                      for line in verdict_lines(message.verdicts, ctx.lang)])
    return False


def _usage(ctx: ConsoleContext) -> None:
    """How full the built-in server's memory store is: 3 messages, 12 KiB of 256 MiB."""
    from simulator.render.sizes import binary_size

    usage = ctx.link.store_usage()
    if usage is None:
        return
    key = "mailbox-usage-1" if usage.messages == 1 else "mailbox-usage"
    if usage.limit is None:
        key += "-unlimited"
    ctx.say(key, count=usage.messages, used=binary_size(usage.octets),
            limit=binary_size(usage.limit or 0))


async def _reconnect(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    await ctx.reconnect()
    return False


async def _pause(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """Wait as a slow client would (a greylisting delay, an idle timeout); what the
    server says meanwhile is shown at once."""
    from simulator.lessons.script import seconds

    wanted = seconds(args[0])
    if wanted is None:
        ctx.say("usage", "class:code.5xx", usage=":pause SECONDS (0-3600)")
        return False
    await ctx.pause(wanted)
    return False


async def _pipeline(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """Hold the lines that follow until ``:end`` (RFC 2920 §3.1: a client may send a group
    of commands without waiting, the group ending with a command such as DATA)."""
    if ctx.pipeline is not None:
        ctx.say("pipeline-already")
    else:
        ctx.pipeline = []
        ctx.say("pipeline-on")
    return False


async def _end(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """Send the held lines in one write; the replies come back in order (RFC 2920 §3.2)."""
    held, ctx.pipeline = ctx.pipeline, None
    if held is None:
        ctx.say("pipeline-none", "class:code.5xx")
    elif not held:
        ctx.say("pipeline-empty")
    elif ctx.closed:
        ctx.say_not_sent()
    else:
        await ctx.send_data(b"".join(held))
    return False


async def _lang(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    ctx.screen.lang = args[0]
    ctx.say("lang-set")
    if not save_settings(Settings(lang=ctx.lang)):
        ctx.say("settings-unsaved")
    return False


async def _eol(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    ctx.eol = args[0]
    ctx.say(f"eol-{ctx.eol}")
    ctx.transcript.steps.append(Notice(f"console.eol-{ctx.eol}"))  # :save shows where it changed
    return False


async def _detail(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    ctx.transcript.told.detail = args[0]
    ctx.say(f"detail-{ctx.transcript.told.detail}")
    return False


async def _raw(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    ctx.raw = (not ctx.raw) if not args else args[0] == "on"
    ctx.say("raw-on" if ctx.raw else "raw-off")
    return False


async def _save(ctx: ConsoleContext, args: tuple[str, ...], *, force: bool = False) -> bool:
    """Write the transcript as Markdown; an existing file is kept unless ``:save!``."""
    from simulator.render.transcript import format_markdown

    path = Path(args[0]).expanduser()
    shown = show_typed(str(path))
    if path.exists() and not force:
        ctx.say("save-exists", "class:code.4xx", path=shown)
        return False
    try:
        with open_output(path) as out:  # a FIFO nobody reads is refused, never waited on
            out.write(format_markdown(ctx.transcript.steps, ctx.lang) + "\n")
    except FileRefused as err:
        ctx.say("save-failed", "class:code.5xx", path=shown, error=refusal(err, ctx.lang))
        return False
    except OSError as err:
        ctx.say("save-failed", "class:code.5xx", path=shown, error=err.strerror or err)
        return False
    exchanges = sum(len(step.answers) for step in ctx.transcript.steps if isinstance(step, Step))
    ctx.say("saved-1" if exchanges == 1 else "saved", path=shown, count=exchanges)
    return False


async def _save_force(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    return await _save(ctx, args, force=True)


async def _b64(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    from simulator.faces.shell.tlsview import b64_fragments

    ctx.show(b64_fragments(args[0], ctx.lang))
    return False


async def _quit(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    await say_goodbye(ctx)
    return True


async def say_goodbye(ctx: ConsoleContext, *, by_key: bool = False) -> None:
    """Leave politely: QUIT (and show the 221) unless closed or in the middle of DATA.
    The 221's explanation says the console sent that QUIT (Ctrl-D or :quit), not the learner."""
    if ctx.closed:
        return
    if ctx.view().state is State.DATA:
        ctx.say("abandon-data")
        return
    ctx.leaving = "ctrl-d" if by_key else "quit"
    await ctx.send_line("QUIT", eol="crlf")


async def _dig(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """The scenario zone's answer for NAME and TYPE, like dig, each record explained."""
    from simulator.lessons.dig import dig_lines

    name, rtype = args[0], args[1] if len(args) > 1 else None
    lines = dig_lines(ctx.link.policy.scenario.zone, name, rtype, ctx.lang)
    ctx.show([("", show_typed(line, limit=4200) + "\n") for line in lines])
    return False


async def _dkim(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """``:dkim sign SELECTOR DOMAIN`` signs each following message with the scenario's key
    for that name, else the lab's;
    ``:dkim tamper`` changes one character after signing; ``:dkim off`` stops."""
    import dataclasses

    from simulator.client.dkimsign import lab_signer

    action = args[0].lower()
    signer = ctx.signing.signer
    if action == "sign" and len(args) == 3:
        signer = lab_signer(args[1], args[2], ctx.link.policy.scenario.dkim_keys)
        if signer is None:
            ctx.say("dkim-no-key", "class:code.5xx", selector=show_typed(args[1], limit=63),
                    domain=show_typed(args[2], limit=100))
            return False
        ctx.signing.signer = signer
        ctx.say("dkim-on", selector=signer.selector, domain=signer.domain)
    elif action == "tamper" and len(args) == 1 and signer is not None:
        ctx.signing.signer = dataclasses.replace(signer, tamper=not signer.tamper)
        ctx.say("dkim-tamper-on" if not signer.tamper else "dkim-tamper-off")
    elif action == "off" and len(args) == 1:
        ctx.signing.signer = None
        ctx.say("dkim-off")
    else:
        ctx.say("dkim-usage", "class:code.5xx")
    return False


HANDLERS: Final[Mapping[str, Handler]] = MappingProxyType({
    "help": _help, "explain": _explain, "more": _more, "state": _state, "scenario": _scenario,
    "mailbox": _mailbox, "connect": connect,
    "reconnect": _reconnect, "pause": _pause, "lang": _lang, "eol": _eol, "raw": _raw,
    "pipeline": _pipeline, "end": _end,
    "detail": _detail,
    "save": _save,
    "save!": _save_force,
    "b64": _b64,
    "dig": _dig,
    "dkim": _dkim,
    "quit": _quit,
})
