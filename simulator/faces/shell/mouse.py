"""Mouse reports on every prompt of the console: prompt_toolkit's handler, made safe.

A terminal sends a mouse report as an escape sequence; key bytes that only look like the
start of one (``ESC [ 3 1 m`` pasted, a garbled report) reach prompt_toolkit's handler,
which raises on them. The console's prompt, the pager's ``-- more --`` line and the waiting
prompt all add :func:`guard_mouse`, so such input is ignored wherever it arrives.
"""

from __future__ import annotations

from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.key_binding.bindings.mouse import load_mouse_bindings
from prompt_toolkit.keys import Keys


def guard_mouse(bindings: KeyBindings) -> KeyBindings:
    """``bindings`` with prompt_toolkit's mouse handler, a malformed report ignored."""
    mouse = load_mouse_bindings().get_bindings_for_keys((Keys.Vt100MouseEvent,))

    @bindings.add(Keys.Vt100MouseEvent)
    def _mouse(event: KeyPressEvent) -> object:
        for binding in mouse:
            try:
                return binding.handler(event)
            except (ValueError, IndexError, KeyError):
                return None
        return None

    return bindings
