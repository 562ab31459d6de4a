"""Explanations as formatted text, shared by every face (console, transcript, explain).

Everything is a list of ``(style, text)`` fragments, the shape of prompt_toolkit's
FormattedText, so the console can print them with its Style while ``smtp-sim explain`` and
piped output turn them into ANSI colours or plain text without importing prompt_toolkit.
Headings and labels come from the lesson data, so both languages render alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Final

from simulator.lessons.annotate import Annotation
from simulator.lessons.compose import Comparison
from simulator.lessons.entries import ClassInfo, CodeEntry, EnhancedEntry, labels
from simulator.lessons.ui import text as ui_text
from simulator.protocol.lazyre import lazy
from simulator.render.wrap import Fragment, wrap_fragments
from simulator.render.wrap import Fragments as Fragments  # the one declaration, re-exported

STYLE: Final[Mapping[str, str]] = MappingProxyType({
    "code.2xx": "ansigreen bold",
    "code.3xx": "ansicyan bold",
    "code.4xx": "ansiyellow bold",
    "code.5xx": "ansired bold",
    "title": "bold",
    "why": "",
    "fix": "ansigreen",
    "rfc": "ansibrightblack italic",
    "heading": "bold underline",
    "dim": "ansibrightblack",
})
"""Class name -> prompt_toolkit style, for ``Style.from_dict(STYLE)``."""

INDENT: Final = "  "

_SGR: Final[Mapping[str, str]] = MappingProxyType({
    "bold": "1", "italic": "3", "underline": "4",
    "ansiblack": "30", "ansired": "31", "ansigreen": "32", "ansiyellow": "33",
    "ansiblue": "34", "ansimagenta": "35", "ansicyan": "36", "ansigray": "37",
    "ansibrightblack": "90", "ansibrightred": "91", "ansibrightgreen": "92",
    "ansibrightyellow": "93", "ansibrightblue": "94", "ansibrightmagenta": "95",
    "ansibrightcyan": "96", "ansiwhite": "97",
})


def code_style(code: int) -> str:
    """``class:code.5xx``: the colour class of a reply code (by its first digit)."""
    return f"class:code.{code // 100}xx" if 1 <= code // 100 <= 5 else "class:dim"


def _indented(style: str, text: str, indent: str = INDENT) -> Fragments:
    """Each line of ``text`` on its own indented line."""
    return [(style, f"{indent}{line}\n") for line in text.splitlines() if line.strip()]


def fix_label(words: Mapping[str, str], code: int) -> str:
    """"How to fix" for a failure; "Next" for a success, where there is nothing to fix."""
    return words["fix"] if code >= 400 else words["next"]


def why_label(a: Annotation) -> str:
    """``Why`` when the engine's reply key says why; for another server's reply only the
    code is known, so the text says what it usually means."""
    if a.key is not None:
        return labels(a.lang)["why"]
    return ui_text("explain.usually", a.lang)


def short_annotation_fragments(a: Annotation) -> Fragments:
    """``:detail brief`` (and a reply explained once already): two lines, the title and the
    first line of "How to fix" ("Next" for a success), the part a learner needs most once
    the why is known; the first sentence of why only when there is no fix."""
    words = labels(a.lang)
    out: Fragments = [("", INDENT), (code_style(a.code), a.title), ("", "\n")]
    fix = a.fix.strip().splitlines()[0] if a.fix.strip() else ""
    if fix:
        label = f"{fix_label(words, a.code)}{words['colon']}"
        return [*out, ("", INDENT), ("class:heading", label), ("class:fix", fix.strip() + "\n")]
    first = a.why.splitlines()[0] if a.why else ""
    cut = re.search(r"(?<=[.!?])\s|(?<=[。！？])", first)
    sentence = first[: cut.start()] if cut else first
    if sentence:
        out += [("", INDENT), ("class:heading", f"{why_label(a)}{words['colon']}"),
                ("class:why", sentence.strip() + "\n")]
    return out


def annotation_fragments(a: Annotation, *, brief: bool = True) -> Fragments:
    """The explanation shown under a reply: title, why, fix, rule; indented, ends in newline.

    ``brief=False`` adds the meaning of the class and the command that shows the full entry.
    """
    words = labels(a.lang)
    out: Fragments = [("", INDENT), (code_style(a.code), a.title)]
    if a.enhanced_title:
        out += [("class:dim", f" · {a.enhanced_title}")]
    out.append(("", "\n"))
    if not brief and a.meaning:
        out += _indented("class:dim", a.meaning)
    for label, style, text in ((why_label(a), "class:why", a.why),
                               (fix_label(words, a.code), "class:fix", a.fix)):
        if text:
            first, *rest = text.splitlines()
            out += [("", INDENT), ("class:heading", f"{label}{words['colon']}"),
                    (style, f"{first}\n")]
            out += [(style, f"{INDENT}{INDENT}{line}\n") for line in rest if line.strip()]
    tail = [f"{words['rfc']}{words['colon']}{a.rfc}"] if a.rfc else []
    if not brief and a.see:
        tail.append(f"{words['see']}{words['colon']}{a.see}")
    if tail:
        out += [("", INDENT), ("class:rfc", " · ".join(tail) + "\n")]
    return out


def markdown_explanation(annotation: Annotation) -> list[str]:
    """The explanation as a short Markdown list: title, class meaning, why, fix, rule
    (escaped); a transcript's and ``smtp-sim explain KEY``'s."""
    words = labels(annotation.lang)
    lines = [f"**{md_escape(annotation.title)}**", "", f"- {md_escape(annotation.meaning)}"]
    fix = fix_label(words, annotation.code)
    for label, text in ((why_label(annotation), annotation.why), (fix, annotation.fix),
                        (words["rfc"], annotation.rfc or "")):
        if text:
            body = md_escape(text).replace("\n", "  \n  ")
            lines.append(f"- **{md_escape(label)}**{words['colon']}{body}")
    return lines


def _section(heading: str, text: str, style: str = "") -> Fragments:
    return [("class:heading", heading + "\n"), *_indented(style, text), ("", "\n")]


def entry_fragments(entry: CodeEntry, *, level_title: bool = True) -> Fragments:
    """One code explained: title, its class digits, description, when, fix, rule."""
    words = labels(entry.lang)
    prefix = "SMTP " if level_title else ""
    out: Fragments = [(code_style(entry.code), f"{prefix}{entry.label}"),
                      ("class:title", f" {entry.title}\n")]
    for info in (entry.first, entry.second):
        detail = (entry.own_meaning or info.meaning) if info is entry.first else info.description
        out.append(("class:dim", f"{INDENT}{info.name} {info.title}{words['colon']}{detail}\n"))
    out.append(("", "\n"))
    out += _section(words["description"], entry.description)
    out += _section(words["when"], entry.when, "class:why")
    out += _section(words["fix"], entry.fix, "class:fix")
    out.append(("class:rfc", f"{words['rfc']}{words['colon']}{entry.rfc}\n"))
    return out


def enhanced_fragments(entry: EnhancedEntry) -> Fragments:
    """An enhanced status code explained: its title, class and description."""
    words = labels(entry.lang)
    style = code_style(int(entry.first.digit) * 100) if entry.first else "class:title"
    out: Fragments = [("class:dim", f"{words['enhanced']} "), (style, entry.code),
                      ("class:title", f" {entry.title}\n")]
    if entry.first is not None:
        out.append(("class:dim", f"{INDENT}{entry.first.name} {entry.first.title}{words['colon']}"
                                 f"{entry.first.meaning}\n"))
    return [*out, ("", "\n"), *_indented("", entry.description)]


def comparison_title(entries: Sequence[CodeEntry]) -> str:
    """``SMTP 221 Closing connection vs 500 Syntax error...``."""
    versus = f" {labels(entries[0].lang)['versus']} "
    return "SMTP " + versus.join(entry.heading for entry in entries)


def comparison_fragments(entries: Sequence[CodeEntry], comparison: Comparison) -> Fragments:
    """Several codes side by side: each entry, then key difference and when to use which."""
    words = labels(comparison.lang)
    out: Fragments = [("class:title", comparison_title(entries) + "\n"), ("", "\n")]
    for entry in entries:
        out += entry_fragments(entry, level_title=False)
        out.append(("", "\n"))
    out += _section(words["difference"], comparison.difference)
    out += _section(words["which"], comparison.which, "class:fix")
    return out


def class_fragments(info: ClassInfo) -> Fragments:
    """A class digit explained (``explain 5xx``, ``explain x5z``): title, meaning, description."""
    style = code_style(info.digit * 100) if info.name.endswith("xx") else "class:title"
    out: Fragments = [(style, info.name), ("class:title", f" {info.title}\n")]
    if info.meaning != info.title:
        out += _indented("class:dim", f"{info.meaning}")
    return [*out, ("", "\n"), *_indented("", info.description), ("", "\n")]


def explain_fragments(entries: Sequence[CodeEntry], comparison: Comparison | None,
                      enhanced: Sequence[EnhancedEntry] = (), *,
                      classes: Sequence[ClassInfo] = (), notes: Sequence[str] = ()) -> Fragments:
    """What ``smtp-sim explain`` prints: notes, one entry or a comparison, enhanced codes,
    then class digits."""
    out: Fragments = [("class:why", f"{note}\n\n") for note in notes]
    for info in classes:
        out += class_fragments(info)
    if comparison is not None:
        out += comparison_fragments(entries, comparison)
    else:
        for entry in entries:
            out += [*entry_fragments(entry), ("", "\n")]
    for item in enhanced:
        out += [*enhanced_fragments(item), ("", "\n")]
    while out and out[-1] == ("", "\n"):
        out.pop()
    return out


def to_plain(fragments: Iterable[Fragment]) -> str:
    """The text alone, for pipes, files and NO_COLOR."""
    return "".join(text for _, text in fragments)


def _sgr(style: str) -> str:
    codes: list[str] = []
    for token in style.split():
        names = [token] if not token.startswith("class:") else STYLE.get(token[6:], "").split()
        codes += [_SGR[name] for name in names if name in _SGR]
    return ";".join(codes)


def to_ansi(fragments: Iterable[Fragment]) -> str:
    """The text with ANSI colour sequences (reset before every newline, so a pager or a cut
    line never carries colour over)."""
    out: list[str] = []
    for style, text in fragments:
        sgr = _sgr(style)
        if not sgr:
            out.append(text)
            continue
        out.append("\n".join(f"\x1b[{sgr}m{part}\x1b[0m" if part else part
                             for part in text.split("\n")))
    return "".join(out)


def wrap(fragments: Iterable[Fragment], width: int, *, hang: int | None = None) -> Fragments:
    """The fragments wrapped to ``width`` display columns (see simulator.render.wrap)."""
    return wrap_fragments(fragments, width, hang=hang)


_MD_SPECIAL: Final = lazy(r"([\\`*_<>\[\]#|])")


def md_escape(text: str) -> str:
    """Text made literal for Markdown: ``<CRLF>`` and ``MAIL FROM:<a@b>`` must not turn into
    HTML tags or links, nor ``*`` into emphasis (CommonMark backslash escapes)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_section(level: str, heading: str, text: str) -> list[str]:
    lines = [md_escape(line) + "  " for line in text.splitlines()]
    return [f"{level} {md_escape(heading)}", "", *lines, ""]


def _md_class(info: ClassInfo, detail: str, colon: str) -> str:
    """``*5xx Permanent negative completion: ...*``, in italics."""
    return f"*{md_escape(f'{info.name} {info.title}{colon}{detail}')}*"


def _md_entry(entry: CodeEntry, level: str) -> list[str]:
    words = labels(entry.lang)
    colon = words["colon"]
    out = [f"{level} {md_escape(entry.heading)}", "",
           _md_class(entry.first, entry.own_meaning or entry.first.meaning, colon) + "  ",
           _md_class(entry.second, entry.second.description, colon), ""]
    sub = level + "#"
    out += _md_section(sub, words["description"], entry.description)
    out += _md_section(sub, words["when"], entry.when)
    out += _md_section(sub, words["fix"], entry.fix)
    return [*out, md_escape(f"{words['rfc']}{words['colon']}{entry.rfc}"), ""]


def to_markdown(entries: Sequence[CodeEntry], comparison: Comparison | None = None,
                enhanced: Sequence[EnhancedEntry] = (), *, classes: Sequence[ClassInfo] = (),
                notes: Sequence[str] = ()) -> str:
    """A handout in Markdown: headings for every code and every section."""
    out: list[str] = []
    for note in notes:
        out += [md_escape(note), ""]
    for info in classes:
        out += [f"# {md_escape(f'{info.name} {info.title}')}", ""]
        if info.meaning != info.title:
            out += [f"*{md_escape(info.meaning)}*", ""]
        out += [md_escape(info.description), ""]
    if comparison is not None and entries:
        words = labels(comparison.lang)
        out += [f"# {md_escape(comparison_title(entries))}", ""]
        for entry in entries:
            out += _md_entry(entry, "##")
        out += _md_section("##", words["difference"], comparison.difference)
        out += _md_section("##", words["which"], comparison.which)
    else:
        for entry in entries:
            out += _md_entry(entry, "#")
    for item in enhanced:
        words = labels(item.lang)
        out += ["# " + md_escape(" ".join((words["enhanced"], item.code, item.title))), ""]
        if item.first is not None:
            out += [_md_class(item.first, item.first.meaning, words["colon"]), ""]
        out += [md_escape(item.description), ""]
    return "\n".join(out).rstrip() + "\n"
