"""What the instructor chose on the dashboard, and what each key does to it.

Kept apart from the drawing so keys can be tested without a screen. Every method is
called with the model's lock held (the model changes under the feed's thread).
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from simulator.lessons.classmodel.messages import MessageRecord
from simulator.lessons.classmodel.model import SORTS, ClassModel, SessionRecord
from simulator.lessons.load import LANGS
from simulator.render.dashboard import Choices

PAGE = 10
"""Lines PageUp/PageDown scroll the transcript."""


class Focus(enum.Enum):
    """Which pane Up/Down move in; Enter goes to the next, Esc back to the table."""

    TABLE = "table"
    TRANSCRIPT = "transcript"
    MISTAKES = "mistakes"


_NEXT_FOCUS = {Focus.TABLE: Focus.TRANSCRIPT, Focus.TRANSCRIPT: Focus.MISTAKES,
               Focus.MISTAKES: Focus.TABLE}


class Dashboard:
    """The instructor's choices over one ClassModel."""

    def __init__(self, model: ClassModel, *, lang: str = "en") -> None:
        self.model = model
        self.lang = lang
        self.selected: str | None = None
        self.mistake: str | None = None
        self.focus = Focus.TABLE
        self.follow = True
        self.errors_only = False
        self.filter_text = ""
        self.spotlight = False
        self.confirming = False
        self.filtering = False
        self.scroll = 0
        self.sort = SORTS[0]
        self.step = 0
        """The lesson step the common mistakes are narrowed to (0: all)."""
        self.messages = False
        """The messages pane shows (``m``)."""
        self.message = 0
        """The selected message's number (0: the newest)."""
        self.message_open = False
        self.message_raw = False
        self.message_scroll = 0

    def choices(self) -> Choices:
        return Choices(self.lang, self.selected, self.mistake, self.filter_text,
                       self.errors_only, self.follow, self.sort, self.step)

    def rows(self) -> list[SessionRecord]:
        return self.model.rows(text=self.filter_text, errors_only=self.errors_only,
                               sort=self.sort)

    def selected_message(self) -> MessageRecord | None:
        """The message the messages pane points at (the newest when none was chosen)."""
        held = self.model.messages.messages
        found = next((m for m in held if m.number == self.message), None)
        if found is None and held:
            found = held[-1]
            self.message = found.number
        return found

    def selected_record(self) -> SessionRecord | None:
        if self.selected is None or self.selected not in self.model.sessions:
            rows = self.rows()
            self.selected = rows[0].session_id if rows else None
        return None if self.selected is None else self.model.sessions.get(self.selected)

    def follow_newest(self) -> None:
        """With follow on, the selection goes to the session with the newest activity."""
        if not self.follow:
            return
        visible = self.rows()
        if visible:
            newest = max(visible, key=lambda r: r.activity)
            if newest.session_id != self.selected:
                self.selected, self.scroll = newest.session_id, 0

    def act(self, action: str) -> None:
        """One key's action (see the face's bindings for which key is which)."""
        if self.messages and self._act_on_messages(action):
            return
        handlers: dict[str, Callable[[], None]] = {
            "up": lambda: self._move(-1), "down": lambda: self._move(1),
            "enter": self._enter, "escape": self._escape, "follow": self._toggle_follow,
            "errors": self._toggle_errors, "spotlight": self._toggle_spotlight,
            "language": self._next_language, "clear": self._clear, "quit": self._quit,
            "pageup": lambda: self._scroll(PAGE), "pagedown": lambda: self._scroll(-PAGE),
            "sort": self._next_sort, "step": self._next_step, "messages": self._toggle_messages,
            "raw": lambda: None,
        }
        handlers[action]()

    def _act_on_messages(self, action: str) -> bool:
        """A key in the messages pane: select, open, scroll, raw, back; False: not its key."""
        if self.message_open:
            moves = {"up": -1, "down": 1, "pageup": -PAGE, "pagedown": PAGE}
            if action in moves:
                self.message_scroll = max(self.message_scroll + moves[action], 0)
            elif action == "raw":
                self.message_raw, self.message_scroll = not self.message_raw, 0
            elif action in ("escape", "messages"):
                self.message_open = False
            else:
                return action in ("enter",)
            return True
        if action in ("up", "down", "pageup", "pagedown"):
            step = {"up": -1, "down": 1, "pageup": -PAGE, "pagedown": PAGE}[action]
            numbers = [m.number for m in self.model.messages.messages]
            if numbers:
                self.selected_message()
                index = numbers.index(self.message) + step if self.message in numbers else 0
                self.message = numbers[min(max(index, 0), len(numbers) - 1)]
        elif action == "enter":
            self.message_open = self.selected_message() is not None
            self.message_scroll, self.message_raw = 0, False
        elif action in ("escape", "messages"):
            self.messages = False
        else:
            return False
        return True

    def _toggle_messages(self) -> None:
        self.messages, self.message_open, self.spotlight = True, False, False

    def _next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]

    def _next_step(self) -> None:
        """Narrow the common mistakes to the next lesson step (after the last: every step)."""
        steps = len(self.model.lesson_steps) or max(
            (r.steps_total for r in self.model.sessions.values()), default=0)
        self.step = (self.step + 1) % (steps + 1) if steps else 0

    def set_filter(self, text: str) -> None:
        self.filter_text, self.filtering = text.strip(), False
        self.selected = None

    def _move(self, delta: int) -> None:
        if self.focus is Focus.TRANSCRIPT:
            self._scroll(-delta)
        elif self.focus is Focus.MISTAKES:
            keys = [m.key for m in self.model.mistakes()]
            if keys:
                index = keys.index(self.mistake) + delta if self.mistake in keys else 0
                self.mistake = keys[min(max(index, 0), len(keys) - 1)]
        else:
            self.follow = False
            rows = [r.session_id for r in self.rows()]
            if rows:
                index = rows.index(self.selected) + delta if self.selected in rows else 0
                self.selected = rows[min(max(index, 0), len(rows) - 1)]
                self.scroll = 0

    def _scroll(self, lines: int) -> None:
        self.scroll = max(self.scroll + lines, 0)

    def _enter(self) -> None:
        self.focus = _NEXT_FOCUS[self.focus]
        if self.focus is Focus.MISTAKES and self.mistake is None:
            found = self.model.mistakes()
            self.mistake = found[0].key if found else None

    def _escape(self) -> None:
        self.spotlight = False
        self.focus = Focus.TABLE

    def _toggle_follow(self) -> None:
        self.follow = not self.follow

    def _toggle_errors(self) -> None:
        self.errors_only = not self.errors_only
        self.selected = None

    def _toggle_spotlight(self) -> None:
        self.spotlight = not self.spotlight

    def _next_language(self) -> None:
        self.lang = LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]

    def _clear(self) -> None:
        self.model.clear_closed()
        if self.selected not in self.model.sessions:
            self.selected = None

    def _quit(self) -> None:
        self.confirming = True
