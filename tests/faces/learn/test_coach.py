"""The coach on screen: a near miss gets its one sentence under the reply, and :hint first
answers what the learner just did."""

from __future__ import annotations

import io

from simulator.faces.learn.piped import run_piped
from simulator.faces.learn.progress import ProgressStore
from simulator.lessons.course import default_course_root, load_course
from tests.wording import lesson, opening, says, tick

COURSE = load_course(default_course_root())


def play(lesson_id: str, lang: str, *lines: str) -> str:
    """The lesson played from ``lines`` as ``learn ID < script`` plays it: the console's road."""
    lesson = COURSE.find(lesson_id)
    assert lesson is not None
    out = io.StringIO()
    store = ProgressStore()
    store.load()
    run_piped(COURSE, lesson, lang=lang, store=store, out=out,
              data="".join(line + "\n" for line in lines).encode())
    return out.getvalue()


def test_a_near_miss_is_explained_under_the_reply() -> None:
    text = play("hello", "en", "HELO client.example")
    assert ("That 250 (session.helo) is not the reply step 2 waits for (session.ehlo). "
            "What counts: Introduce your client with EHLO") in text
    assert text.index("<-  250 ") < text.index("That 250 (session.helo)")


def test_a_503_for_greeting_first_says_it_is_not_the_one_wanted_in_chinese() -> None:
    text = play("order", "zh", "RCPT TO:<bob@example.net>")
    assert "这个 503（sequence.need-helo）不是第 1 步要等的回复" in text


def test_no_sentence_when_the_step_is_met() -> None:
    text = play("hello", "en", "EHLO client.example")
    assert tick(2) in text and "What counts" not in text


def test_hint_answers_the_mechanism_chosen() -> None:
    text = play("auth", "en", "EHLO client.example", "STARTTLS", "EHLO client.example",
                "AUTH LOGIN", ":hint")
    auth = lesson("auth")
    reactions = [step.react["auth.username-challenge"] for step in auth.text("en").steps.values()
                 if "auth.username-challenge" in step.react]  # the step's words for AUTH LOGIN
    assert any(says(text, "near-miss.hint-react", text=said) for said in reactions)
    assert opening("learn.hint", level=1, levels=3) in text
