"""The SMTP state diagram, drawn from the engine's own tables, with the current state marked.

Nothing here is hand-drawn: the main path, the loop back after the message, the commands
allowed everywhere and the 503 refusals all come from :data:`simulator.protocol.state.TRANSITIONS`
and :data:`~simulator.protocol.state.SEQUENCE_ERRORS`, so the picture cannot drift from the
rules the server applies (RFC 5321 §4.1.4 and §3.3). The result is ``(style, text)`` fragments
(rendered by ``simulator.render``); the current state is boxed ``[rcpt]`` and coloured.
"""

from __future__ import annotations

from typing import Final

from simulator.lessons.ui import text
from simulator.protocol import state as _table
from simulator.protocol.state import OPTIONAL_VERBS, State, Verb

from .wrap import Fragments

# STARTTLS and AUTH exist only when the server offers them (else 502): not in the picture.
TRANSITIONS: Final = {move: after for move, after in _table.TRANSITIONS.items()
                      if move[1] not in OPTIONAL_VERBS}
SEQUENCE_ERRORS: Final = {move: key for move, key in _table.SEQUENCE_ERRORS.items()
                          if move[1] not in OPTIONAL_VERBS}


CURRENT: Final = "class:code.2xx reverse"
PLAIN: Final = ""
DIM: Final = "class:dim"
HEADING: Final = "class:title"

def needs(key: str, lang: str) -> str:
    """What a move refused with the 503 ``key`` needs first, e.g. ``MAIL FROM first``."""
    return _label(key, lang)


def _label(key: str, lang: str) -> str:
    return text(f"diagram.{key}", lang)


def _verb_name(verb: Verb) -> str:
    return verb.value


def main_path() -> list[tuple[State, tuple[Verb, ...]]]:
    """The states of one mail transaction in order, each with the verbs that lead on.

    From CONNECTED, follow the moves to a state not seen yet (never CLOSED); the verbs of
    the last state are empty.
    """
    path: list[tuple[State, tuple[Verb, ...]]] = []
    state: State | None = State.CONNECTED
    seen: set[State] = set()
    while state is not None:
        seen.add(state)
        targets = [(dst, verb) for (src, verb), dst in TRANSITIONS.items()
                   if src is state and dst not in seen and dst is not State.CLOSED]
        following = min((dst for dst, _ in targets), key=list(State).index, default=None)
        verbs = tuple(verb for dst, verb in targets if dst is following)
        path.append((state, verbs))
        state = following
    return path


def _sources(verb: Verb) -> list[State]:
    return [src for (src, v) in TRANSITIONS if v is verb]


def _everywhere() -> frozenset[State]:
    """The states in which most verbs are allowed: every state but DATA and CLOSED."""
    sets = [frozenset(_sources(verb)) for verb in Verb]
    return max(sets, key=len)


def is_common(verb: Verb) -> bool:
    """Whether ``verb`` is allowed in every state outside a message (NOOP, QUIT...)."""
    return frozenset(_sources(verb)) == _everywhere()


def back_edges(path: list[tuple[State, tuple[Verb, ...]]]) -> list[tuple[State, Verb, State]]:
    """Moves from a later state of the path back to an earlier one (the ``.`` after the
    message); the moves allowed everywhere are listed apart, not drawn."""
    order = [state for state, _ in path]
    return [(src, verb, dst) for (src, verb), dst in TRANSITIONS.items()
            if src in order and dst in order and order.index(dst) < order.index(src)
            and not is_common(verb)]


def self_loops(path: list[tuple[State, tuple[Verb, ...]]]) -> dict[State, list[Verb]]:
    """Verbs that stay in a state and are special to it (RCPT in rcpt: add recipients)."""
    loops: dict[State, list[Verb]] = {}
    for (src, verb), dst in TRANSITIONS.items():
        if src is dst and not is_common(verb):
            loops.setdefault(src, []).append(verb)
    return loops


def _effect(src: State, dst: State, lang: str) -> str:
    return _label("same", lang) if src is dst else dst.value


def common_moves(lang: str) -> list[str]:
    """One line per group of verbs allowed everywhere: ``QUIT → closed`` etc."""
    groups: dict[str, list[str]] = {}
    for verb in filter(is_common, Verb):
        moves = {src: TRANSITIONS[src, verb] for src in _sources(verb)}
        if all(src is dst for src, dst in moves.items()):
            text = _label("same", lang)
        else:
            targets = list(moves.values())
            main = max(set(targets), key=targets.count)
            text = main.value
            exceptions = [f"{src.value}: {_effect(src, dst, lang)}"
                          for src, dst in moves.items() if dst is not main]
            if exceptions:
                text += f" ({'; '.join(exceptions)})"
        groups.setdefault(text, []).append(_verb_name(verb))
    return [f"{'/'.join(verbs)} → {effect}" for effect, verbs in groups.items()]


def refusals(lang: str) -> list[str]:
    """``RCPT in greeted (MAIL FROM first)`` for every illegal move."""
    word = _label("in", lang)
    groups: dict[tuple[State, str], list[str]] = {}
    for (state, verb), key in SEQUENCE_ERRORS.items():
        groups.setdefault((state, key), []).append(verb.value)
    return [f"{'/'.join(verbs)} {word} {state.value} ({needs(key, lang)})"
            for (state, key), verbs in groups.items()]


def _state(state: State, current: State, *, boxed: bool = False) -> tuple[str, str]:
    """A state name; on the main path the current one is ``[boxed]`` (visible without colour)."""
    if not boxed:
        return (CURRENT if state is current else HEADING, state.value)
    if state is current:
        return (CURRENT, f"[{state.value}]")
    return (HEADING, f" {state.value} ")


def _spine(path: list[tuple[State, tuple[Verb, ...]]], current: State,
           ) -> tuple[Fragments, dict[State, int]]:
    """The main path on one line, and the column of the middle of each state name."""
    fragments: Fragments = [(PLAIN, " ")]
    column = 1
    centres: dict[State, int] = {}
    for state, verbs in path:
        shown = _state(state, current, boxed=True)
        centres[state] = column + len(shown[1]) // 2
        fragments.append(shown)
        column += len(shown[1])
        if verbs:
            arrow = f" ──{'/'.join(_verb_name(v) for v in verbs)}──▶ "
            fragments.append((PLAIN, arrow))
            column += len(arrow)
    return fragments, centres


def _under(path: list[tuple[State, tuple[Verb, ...]]], centres: dict[State, int]) -> Fragments:
    """The two lines under the spine: self-loops, and the loop back after the message."""
    width = max(centres.values()) + 12
    marks = [" "] * width
    bottom = [" "] * width
    for state, verbs in self_loops(path).items():
        if state in centres:
            text = "↻ " + "/".join(_verb_name(v) for v in verbs)
            start = centres[state] - 1
            marks[start:start + len(text)] = list(text)
    for src, verb, dst in back_edges(path):
        left, right = centres[dst], centres[src]
        marks[left], marks[right] = "▲", "│"
        bottom[left:right + 1] = ["└"] + ["─"] * (right - left - 1) + ["┘"]
        label = f" {_verb_name(verb)} "
        middle = (left + right - len(label)) // 2
        bottom[middle:middle + len(label)] = list(label)
    return [(DIM, "".join(marks).rstrip() + "\n"), (DIM, "".join(bottom).rstrip() + "\n")]


def here_line(current: State, lang: str) -> str:
    """What the learner can do from the current state, and what would be refused."""
    if current is State.CLOSED:
        return _label("closed", lang)
    if current is State.DATA:
        return _label("data", lang)
    groups: dict[str, list[str]] = {}
    for (src, verb), dst in TRANSITIONS.items():
        if src is current:
            groups.setdefault(_effect(src, dst, lang), []).append(verb.value)
    text = " · ".join(f"{'/'.join(verbs)} → {effect}" for effect, verbs in groups.items())
    refused = [f"{verb.value} ({needs(key, lang)})" for (src, verb), key in SEQUENCE_ERRORS.items()
               if src is current]
    if refused:
        text += " · 503: " + ", ".join(refused)
    return text


def _vertical(path: list[tuple[State, tuple[Verb, ...]]], current: State) -> Fragments:
    """The main path top to bottom, for terminals too narrow for the one-line spine."""
    loops, backs = self_loops(path), back_edges(path)
    out: Fragments = []
    for state, verbs in path:
        out += [(PLAIN, " "), _state(state, current, boxed=True)]
        if state in loops:
            out.append((DIM, "  ↻ " + "/".join(_verb_name(v) for v in loops[state])))
        for src, verb, dst in backs:
            if src is state:
                out.append((DIM, f"  ──{_verb_name(verb)}──▶ {dst.value}"))
        out.append((PLAIN, "\n"))
        if verbs:
            out += [(DIM, f"   │ {'/'.join(_verb_name(v) for v in verbs)}\n"), (DIM, "   ▼\n")]
    return out


def spine_width() -> int:
    """Columns the one-line spine needs (with the loop labels under it)."""
    path = main_path()
    _, centres = _spine(path, State.CONNECTED)
    return max(centres.values()) + 12


def diagram(current: State, lang: str = "en", *, width: int = 200) -> Fragments:
    """The whole diagram as fragments; ``current`` is highlighted wherever it appears.
    Narrower than the spine, the main path is drawn top to bottom."""
    path = main_path()
    spine, centres = _spine(path, current)
    out: Fragments = [(PLAIN, _label("title", lang)), _state(current, current), (PLAIN, "\n\n")]
    if width >= spine_width():
        out += [*spine, (PLAIN, "\n")]
        out += _under(path, centres)
    else:
        out += _vertical(path, current)
    out.append((PLAIN, "\n" + _label("anywhere", lang) + "\n"))
    for line in common_moves(lang):
        if line.endswith(State.CLOSED.value):
            out += [(PLAIN, "  " + line[: -len(State.CLOSED.value)]),
                    _state(State.CLOSED, current), (PLAIN, "\n")]
        else:
            out.append((PLAIN, f"  {line}\n"))
    out.append((PLAIN, _label("refused", lang) + "\n"))
    out += [(DIM, f"  {line}\n") for line in refusals(lang)]
    out += [(PLAIN, _label("here", lang) + " "), (PLAIN, here_line(current, lang) + "\n")]
    return out


def diagram_text(current: State, lang: str = "en", *, width: int = 200) -> str:
    """The diagram as plain text (tests, ``--no-color``)."""
    return "".join(text for _, text in diagram(current, lang, width=width))
