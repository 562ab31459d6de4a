"""``smtp-sim learn``: the course. Lessons whose goals the server's own replies tick.

``learn`` resumes at the first unfinished lesson, ``learn list`` lists them, ``learn ID|NUMBER``
starts one, ``learn reset [ID]`` clears progress (asking first on a terminal), ``learn export
[FILE|-]`` writes it as JSON for a teacher. With standard
input not a terminal, the lesson reads command lines from it as ``smtp-sim run`` does and the
exit status says whether it was completed (0), not (1), or the command was wrong (2).
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from pathlib import Path

from simulator.client.home import saved_lang
from simulator.faces.learn.app import run_interactive
from simulator.faces.learn.export import run_export
from simulator.faces.learn.piped import run_piped
from simulator.lessons.course import Course, default_course_root, load_course
from simulator.lessons.course.words import say
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.options.records import LearnOptions
from simulator.protocol.escape import show_text
from simulator.render.terminal import reader_gone, wants_color

from . import panel
from .output import Printer, printer, terminal_width
from .progress import SHIPPED, CourseProgress, ProgressStore, resume_point


def _course(options: LearnOptions, lang: str) -> tuple[Course, str] | None:
    root = Path(options.course) if options.course else default_course_root()
    course = load_course(root)
    if course.problems:
        print(say("course-problems", lang, root=root), file=sys.stderr)
        for problem in course.problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    key = SHIPPED if not options.course else str(root.resolve())
    return course, key


def run_learn(options: LearnOptions) -> int:
    lang = options.lang or saved_lang(LANGS) or LANGS[0]
    loaded = _course(options, lang)
    if loaded is None:
        return 2
    course, key = loaded
    store = ProgressStore(key)
    saved = _load(store, lang)
    target, extra = options.target, options.lesson
    color = wants_color(sys.stdout, no_color=options.no_color)
    show = printer(sys.stdout, color=color)
    if target == "list":
        return _list(course, saved, show, lang)
    if target == "reset":
        return _reset(course, store, extra, lang)
    if target == "export":
        return run_export(course, saved, key, extra, lang)
    if target is None and not _resume(course, saved.done, show, lang):
        return 0
    lesson = resume_point(course, saved) if target is None else course.find(target)
    if lesson is None:
        _not_found(course, target, lang)
        return 2
    if not sys.stdin.isatty():
        try:
            return run_piped(course, lesson, lang=lang, store=store, out=sys.stdout,
                             color=color)
        except BrokenPipeError:  # ``learn ID < script | head``
            return reader_gone()
    return run_interactive(course, lesson, lang=lang, store=store, color=color)


def _load(store: ProgressStore, lang: str) -> CourseProgress:
    """The saved progress; a file that could not be read is moved aside, and that is said."""
    saved = store.load()
    if store.moved_to is not None:
        print(say("progress-corrupt", lang, path=store.path, moved=store.moved_to),
              file=sys.stderr)
    return saved


def _list(course: Course, saved: CourseProgress, show: Printer, lang: str) -> int:
    """``learn list``: the lessons by sequence, with what is done and where to go on."""
    current = resume_point(course, saved)
    try:
        show(panel.list_fragments(course, saved.done, current.id if current else None, lang,
                                  _list_width()))
        show([("class:dim", say("list-start", lang) + "\n")])
    except BrokenPipeError:  # ``learn list | head``
        return reader_gone()
    return 0


def _resume(course: Course, done: Collection[str], show: Printer, lang: str) -> bool:
    """Say where ``smtp-sim learn`` goes on (True), or that every lesson is done and show the
    list (False: nothing to resume)."""
    left = [lesson for lesson in course.available if lesson.id not in done]
    if left or not course.available:
        if left:
            show([("class:dim", text("course.resuming", lang, number=left[0].place,
                                     title=left[0].text(lang).title) + "\n")])
        return True
    show([("class:title", text("course.all-done", lang) + "\n")])
    show(panel.list_fragments(course, done, None, lang, _list_width()))
    return False


def _list_width() -> int | None:
    """The terminal's width for ``learn list`` (at least 40 columns); None when piped: no
    terminal bounds the lines, so none is cut."""
    return max(terminal_width(), 40) if sys.stdout.isatty() else None


def _not_found(course: Course, target: str | None, lang: str) -> None:
    """Say that ``target`` names no lesson here (or one this server cannot run), and list
    the lessons there are."""
    ids = ", ".join(f"{lesson.place} {lesson.id}" for lesson in course.available)
    waiting = course.find(target, include_unavailable=True) if target else None
    if waiting is not None:
        print(say("unavailable-lesson", lang, number=waiting.place, id=waiting.id,
                  needs=", ".join(waiting.needs), ids=ids), file=sys.stderr)
    else:
        print(say("unknown-lesson", lang, wanted=show_text(target or "", limit=40),
                  ids=ids), file=sys.stderr)


def _reset(course: Course, store: ProgressStore, wanted: str | None, lang: str) -> int:
    lesson = course.find(wanted, include_unavailable=True) if wanted else None
    if wanted and lesson is None:
        ids = ", ".join(f"{lesson.place} {lesson.id}" for lesson in course.lessons)
        print(say("unknown-lesson", lang, wanted=show_text(wanted, limit=40), ids=ids),
              file=sys.stderr)
        return 2
    what = (say("lesson-heading", lang, number=lesson.place, title=lesson.text(lang).title)
            if lesson else say("reset-all", lang))
    if sys.stdin.isatty():
        answer = input(say("reset-ask", lang, what=what))
        if answer.strip().lower() not in say("reset-yes", lang).split():
            print(say("reset-kept", lang))
            return 0
    error = store.reset(lesson.id if lesson else None)
    if error:
        print(say("progress-unsaved", lang, error=error), file=sys.stderr)
        return 1
    print(say("reset-done", lang, what=what))
    return 0

