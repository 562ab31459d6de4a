"""The dashboard's full screen: prompt_toolkit over the shared class model.

The application runs in a worker thread (trio keeps serving clients on the main thread);
it reads the model under the model's lock while drawing, and a trio task asks for a redraw
at most REFRESH times a second, only when something changed (or the idle clocks moved).
Clients never wait for this screen: the feed that fills the model drops what it has no
room for, and counts it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, VSplit, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from simulator.lessons.classmodel.shared import SharedClass
from simulator.lessons.classroom import say
from simulator.render.dashboard import (
    DASH_STYLE,
    empty_fragments,
    mistake_fragments,
    spotlight_fragments,
    status_fragments,
    table_fragments,
    title_fragments,
    transcript_fragments,
)
from simulator.render.dashmail import message_fragments, messages_fragments
from simulator.render.fragments import STYLE
from simulator.render.wrap import text_width, wrap_fragments

from .state import Dashboard, Focus

MIN_REDRAW: Final = 0.1
"""Seconds between two redraws at least: the screen never redraws more than 10 times a second."""


def _style() -> Style:
    return Style([*STYLE.items(), *DASH_STYLE])


class DashboardApp:
    """The application and the instructor's state it draws."""

    def __init__(self, shared: SharedClass, url: str, lang: str, *,
                 input: Input | None = None, output: Output | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.shared, self.url, self.clock = shared, url, clock
        self.state = Dashboard(shared.model, lang=lang)
        self._transcript_key: object = None
        self._transcript_cache: StyleAndTextTuples = []
        self.filter_buffer = Buffer(multiline=False, accept_handler=self._filter_done)
        self._message_key: object = None
        self._message_cache: StyleAndTextTuples = []
        self.app: Application[None] = Application(
            layout=Layout(self._body()), key_bindings=self._bindings(), full_screen=True,
            style=_style(), input=input, output=output, min_redraw_interval=MIN_REDRAW,
            mouse_support=False)

    # -- sizes ------------------------------------------------------------------------------
    def _size(self) -> tuple[int, int]:
        size = self.app.output.get_size()
        return size.columns, size.rows

    def _table_height(self) -> int:
        return max(4, int(self._size()[1] * 0.4))

    def _side_width(self) -> int:
        return max(24, int(self._size()[0] * 0.34))

    def _transcript_width(self) -> int:
        # Exact sizes everywhere: prompt_toolkit divides free space one cell at a time,
        # which was a third of each frame's time.
        return max(self._size()[0] - self._side_width() - 1, 1)

    def _prompt_height(self) -> int:
        """The line of the y/n question or of the filter, while it shows."""
        return 1 if self.state.confirming or self.state.filtering else 0

    def _middle_height(self) -> int:
        rows = self._size()[1] - self._prompt_height()
        return max(rows - 1 - self._table_height() - self._status_height(), 1)

    def _status_height(self) -> int:
        keys = say(self.state.lang, "dashboard", "keys")
        lines = -(-text_width(keys) // max(self._size()[0], 1))  # the keys wrap on a narrow screen
        model = self.shared.model
        return lines + (1 if model.dropped else 0) + (1 if model.warning is not None else 0)

    # -- panes ------------------------------------------------------------------------------
    def _title(self) -> StyleAndTextTuples:
        with self.shared.lock:
            self.state.follow_newest()
            return list(title_fragments(self.shared.model, self.state.choices(), self.url,
                                        self._size()[0]))

    def _table(self) -> StyleAndTextTuples:
        with self.shared.lock:
            if not self.shared.model.sessions:
                return list(wrap_fragments(empty_fragments(self.state.lang, self.url),
                                           self._size()[0]))
            return list(table_fragments(self.shared.model, self.state.choices(), self.clock(),
                                        self._size()[0], self._table_height()))

    def _transcript(self) -> StyleAndTextTuples:
        width, height = self._size()[0], self._middle_height()
        with self.shared.lock:
            record = self.state.selected_record()
            # Redrawn ten times a second, changed far less often: keep the last one.
            key = (None if record is None else (record.session_id, record.activity),
                   self.state.lang, width, height, self.state.scroll)
            if key != self._transcript_key:
                self._transcript_key = key
                self._transcript_cache = list(transcript_fragments(
                    record, self.state.lang, width - self._side_width() - 1, height,
                    scroll=self.state.scroll))
            return self._transcript_cache

    def _mistakes(self) -> StyleAndTextTuples:
        with self.shared.lock:
            return list(mistake_fragments(self.shared.model, self.state.choices(),
                                          self._side_width()))

    def _status(self) -> StyleAndTextTuples:
        with self.shared.lock:
            return list(status_fragments(self.shared.model, self.state.lang, self._size()[0]))

    def _spotlight(self) -> StyleAndTextTuples:
        width, rows = self._size()
        with self.shared.lock:
            return list(spotlight_fragments(self.state.selected_record(), self.state.lang,
                                            width, rows - self._prompt_height(),
                                            self.shared.model))

    def _messages(self) -> StyleAndTextTuples:
        """The messages pane (``m``), or the message opened in it."""
        width, rows = self._size()
        height = rows - self._prompt_height()
        state = self.state
        with self.shared.lock:
            if not state.message_open:
                return list(messages_fragments(self.shared.model.messages, state.lang, width,
                                               height, state.message))
            message = state.selected_message()
            # A message is up to 256 KiB: wrapped once, not ten times a second.
            key = (message, state.lang, width, height, state.message_scroll, state.message_raw)
            if key != self._message_key:
                self._message_key = key
                self._message_cache = list(message_fragments(
                    message, state.lang, width, height, scroll=state.message_scroll,
                    raw=state.message_raw))
            return self._message_cache

    # -- keys -------------------------------------------------------------------------------
    def _filter_done(self, buffer: Buffer) -> bool:
        with self.shared.lock:
            self.state.set_filter(buffer.text)
        self.app.invalidate()
        return False

    def _body(self) -> HSplit:
        """The screen: the class view (title, table, transcript beside the mistakes, status),
        or one session in the spotlight, or the messages; the quit and filter prompts."""
        filtering = Condition(lambda: self.state.filtering)
        confirming = Condition(lambda: self.state.confirming)
        spotlight = Condition(lambda: self.state.spotlight and not self.state.messages)
        messages = Condition(lambda: self.state.messages)
        main = HSplit([
            Window(FormattedTextControl(self._title), height=1),
            Window(FormattedTextControl(self._table), height=self._table_height),
            VSplit([Window(FormattedTextControl(self._transcript), wrap_lines=False,
                           width=self._transcript_width),
                    Window(width=1, char="│", style="class:dim"),
                    Window(FormattedTextControl(self._mistakes), width=self._side_width,
                           wrap_lines=False)], height=self._middle_height),
            Window(FormattedTextControl(self._status), height=self._status_height),
        ])
        return HSplit([
            ConditionalContainer(Window(FormattedTextControl(self._spotlight),
                                        height=lambda: self._size()[1] - self._prompt_height()),
                                 spotlight),
            ConditionalContainer(Window(FormattedTextControl(self._messages),
                                        height=lambda: self._size()[1] - self._prompt_height()),
                                 messages),
            ConditionalContainer(main, ~spotlight & ~messages),
            ConditionalContainer(Window(FormattedTextControl(
                lambda: [("class:dash.prompt", say(self.state.lang, "dashboard",
                                                   "quit-confirm"))]), height=1), confirming),
            ConditionalContainer(VSplit([
                Window(FormattedTextControl(lambda: [("class:dash.prompt", say(
                    self.state.lang, "dashboard", "filter-prompt"))]), dont_extend_width=True),
                Window(BufferControl(self.filter_buffer), height=1)]), filtering),
        ])

    def _bindings(self) -> KeyBindings:
        bindings = KeyBindings()
        idle = Condition(lambda: not self.state.filtering and not self.state.confirming)
        confirming = Condition(lambda: self.state.confirming)
        act = self._act

        for key, action in (("up", "up"), ("down", "down"), ("enter", "enter"),
                            ("f", "follow"), ("e", "errors"), ("s", "spotlight"),
                            ("escape", "escape"), ("l", "language"), ("c", "clear"),
                            ("q", "quit"), ("c-c", "quit"), ("pageup", "pageup"),
                            ("pagedown", "pagedown"), ("m", "messages"), ("o", "sort"),
                            ("n", "step"), ("r", "raw")):
            bindings.add(key, filter=idle)(lambda event, action=action: act(event, action))

        @bindings.add("/", filter=idle)
        def _filter(event: KeyPressEvent) -> None:
            self.state.filtering = True
            self.filter_buffer.text = self.state.filter_text
            event.app.layout.focus(self.filter_buffer)

        @bindings.add("escape", filter=Condition(lambda: self.state.filtering))
        def _cancel_filter(event: KeyPressEvent) -> None:
            del event
            self.state.filtering = False

        @bindings.add("y", filter=confirming)
        def _yes(event: KeyPressEvent) -> None:
            event.app.exit()

        @bindings.add("<any>", filter=confirming)
        def _no(event: KeyPressEvent) -> None:
            del event
            self.state.confirming = False

        return bindings

    def _act(self, event: KeyPressEvent, action: str) -> None:
        del event
        with self.shared.lock:
            self.state.act(action)
            self.shared.lang = self.state.lang
        self.app.invalidate()

    def focus(self) -> Focus:
        return self.state.focus
