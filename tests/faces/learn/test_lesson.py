"""One lesson on screen, driven line by line: the panel and greeting first, a met step ticked,
an unknown console command not sent, a directive written wrongly explained, :skip moving on."""

from __future__ import annotations

from simulator.faces.learn.lesson import Action, LessonScreen, as_step
from simulator.lessons.course import Check, Course, Goal
from simulator.protocol import Session, State
from simulator.render import to_plain
from tests.lessons.course.sample import lesson

TARGET = lesson(Goal("ehlo", Check(verb="EHLO", code=250)))


class Screen:
    def __init__(self) -> None:
        self.text = ""

    def __call__(self, fragments: list[tuple[str, str]], *, wrap: bool = True) -> None:
        self.text += to_plain(fragments)


def screen() -> tuple[LessonScreen, Screen]:
    shown = Screen()
    lesson_screen = LessonScreen(Course("c", (TARGET,)), TARGET, "en", shown)
    lesson_screen.begin()
    return lesson_screen, shown


def test_the_panel_and_the_greeting_come_first() -> None:
    _, shown = screen()
    assert shown.text.index("Lesson 1: Title") < shown.text.index("220 ")


def test_a_met_step_is_ticked_and_skip_moves_on() -> None:
    play, shown = screen()
    assert play.handle("EHLO client.example") is Action.CONTINUE
    assert "✓ Step 1 done: goal ehlo" in shown.text and play.run.complete
    assert play.handle("") is Action.CONTINUE  # piped: an empty line is just sent
    assert play.handle(":skip") is Action.NEXT


def test_an_unknown_console_command_is_not_sent() -> None:
    play, shown = screen()
    before = len(play.run.exchanges)
    assert play.handle(":bogus") is Action.CONTINUE
    assert len(play.run.exchanges) == before and ":bogus" in shown.text


def test_a_badly_written_pause_is_explained_not_sent() -> None:
    play, shown = screen()
    before = len(play.run.exchanges)
    play.handle(":pause soon")
    assert len(play.run.exchanges) == before and "soon" in shown.text


def test_exchanges_become_the_client_side_step() -> None:
    session = Session()
    greeting = session.greeting()
    [quit_] = session.receive_data(b"QUIT\r\n")
    step = as_step(b"QUIT\r\n", (quit_,), State.GREETED)
    assert step.sent == b"QUIT\r\n" and [a.code for a in step.answers] == [221]
    assert step.answers[0].closes and not as_step(None, (greeting,), State.CONNECTED).answers[0].closes
