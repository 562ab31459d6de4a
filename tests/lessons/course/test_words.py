"""The learn face's words: the same keys in every language, and ``say`` fills them."""

from __future__ import annotations

from simulator.lessons.load import default_library


def test_the_learn_words_exist_in_every_language() -> None:
    library = default_library()
    en, zh = (library.table("ui", lang, "learn") for lang in ("en", "zh"))
    assert len(en) > 30 and set(en) == set(zh)


def test_say_fills_a_learn_word_in_the_learner_language() -> None:
    from simulator.lessons.course.words import say

    assert say("lesson-heading", "en", number=3, title="Order") == "Lesson 3: Order"
    chinese = say("lesson-heading", "zh", number=3, title="顺序")
    assert "3" in chinese and "顺序" in chinese and chinese != say("lesson-heading", "en", number=3, title="顺序")
