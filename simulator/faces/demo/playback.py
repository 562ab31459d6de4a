"""Unattended playback: the whole demo to the end, printed as the audience would see it.

For CI and for making recordings: no keys, no waiting. With a recording, the times in it
are those of a presenter typing at ``speed`` characters per second and pausing ``pace``
seconds between steps, computed rather than waited for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TextIO

from simulator.client.connection import Step, explain
from simulator.client.demoplayer import DemoPlayer, StepResult
from simulator.client.demos import LoadedDemo
from simulator.client.demoscript import StepKind
from simulator.render.asciicast import AsciicastWriter, terminal_text
from simulator.render.demo import (
    DemoView,
    playback_start,
    playback_step,
    result_fragments,
    sent_lines,
)
from simulator.render.fragments import to_ansi, to_plain
from simulator.render.masking import StepMasker
from simulator.render.transcript import (
    Fragments,
    answer_fragments,
    explanation_fragments,
    for_width,
)

RECORDING_PACE: Final = 2.0
"""Seconds between steps in a recording made with ``--pace 0`` (no pause would be unwatchable)."""


@dataclass(frozen=True, slots=True)
class Playback:
    """How it went: the steps played and the lines left unsent."""

    results: tuple[StepResult, ...]
    unsent: int


class CastTimeline:
    """Writes the recording of unattended playback with the times of a live presenter."""

    def __init__(self, writer: AsciicastWriter, render: Callable[[Fragments], str], *,
                 speed: float, pace: float) -> None:
        self.writer, self.render = writer, render
        self.speed, self.pace = speed, pace or RECORDING_PACE
        self.now = 0.0
        self.masker = StepMasker()

    def show(self, fragments: Fragments) -> None:
        self.writer.output(self.now, terminal_text(self.render(fragments)))

    def step(self, view: DemoView, result: StepResult, number: int) -> None:
        """A rule and the narration; each sent line typed out; each reply at once."""
        self.now += self.pace
        self.writer.marker(self.now, result.step.marker(number))
        head = playback_step(view, StepResult(result.step, ()), number)
        self.show(head)
        if result.step.kind is StepKind.RECONNECT:
            self.masker.reset()
        for step in map(self.masker.step, result.steps):
            self._typed(step)
            for answer in step.answers:
                self.now += 0.1
                fragments = answer_fragments(answer)
                if view.explanations:
                    fragments += explanation_fragments(explain(answer, view.lang))
                self.show(fragments)
        tail = result_fragments(StepResult(result.step, (), result.unsent), view.lang,
                                explanations=view.explanations)
        self.show(tail)

    def _typed(self, step: Step) -> None:
        if step.sent is None:
            return
        for style, text in sent_lines(step.sent):
            if style != "class:sent":
                self.show([(style, text)])
                continue
            for char in text.rstrip("\n"):
                self.now += 1 / self.speed
                self.show([(style, char)])
            self.show([("", "\n")])


async def play_unattended(demo: LoadedDemo, player: DemoPlayer, out: TextIO, *, lang: str,
                          color: bool, explanations: bool = True,
                          cast: AsciicastWriter | None = None, speed: float = 20.0,
                          pace: float = 0.0, width: int | None = None) -> Playback:
    """Play every step and print each as it is played; a recording too when ``cast``.
    ``width``: the terminal's, to wrap what is printed as the console does (None: a pipe)."""
    render = to_ansi if color else to_plain
    cast_render = to_ansi
    script = demo.script(lang)
    await player.open()
    try:
        view = DemoView(title=script.title(lang), lang=lang, greeting=player.greeting,
                        results=(), total=player.total, explanations=explanations)
        timeline = None if cast is None else CastTimeline(cast, cast_render, speed=speed,
                                                          pace=pace)
        start = playback_start(view)
        out.write(render(for_width(start, width)))
        if timeline is not None:
            timeline.show(start)
        number, masker = 0, StepMasker()
        while (result := await player.forward()) is not None:
            number += 1
            shown = StepResult(script.steps[number - 1], result.steps, result.unsent)
            out.write(render(for_width(playback_step(view, shown, number, masker), width)))
            if timeline is not None:
                timeline.step(view, shown, number)
        out.flush()
        return Playback(tuple(player.results), player.unsent)
    finally:
        await player.close()
