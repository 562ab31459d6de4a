"""``smtp-sim lessons check``: the lesson authors' linter, printed.

Without options it lints all the shipped data (explanations, the learn face's words, and the
course, whose every solution and wrong attempt is replayed on the learner's own road: the
console's context, connection and server, on a virtual clock, see faces/shell/course.py);
``--course DIR`` checks a teacher's own course folder instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.client.home import saved_lang
from simulator.faces.shell.course import replay
from simulator.lessons.check import check_library
from simulator.lessons.compose import REQUIRED_COMPARISONS
from simulator.lessons.course import default_course_root, load_course
from simulator.lessons.course.lint import check_course, course_summary
from simulator.lessons.course.scaffold import fill, plan
from simulator.lessons.entries import REQUIRED_CODES
from simulator.lessons.grading.rubric import check_rubric
from simulator.lessons.load import LANGS, data_root, default_library
from simulator.lessons.scenarios import check_file
from simulator.lessons.ui import text
from simulator.options.records import LessonsOptions
from simulator.protocol.escape import show_text
from simulator.protocol.replies import CATALOGUE


def run_check(options: LessonsOptions) -> int:
    """Lint the lesson data (or ``--course DIR``, ``--scenario FILE``); print the problems;
    0 when clean, 1 otherwise."""
    if options.action == "new":
        return run_new(options)
    if options.name:  # an ID is new's, never check's
        print(text("course.check-no-id", LANGS[0]), file=sys.stderr)
        return 2
    if rubric := options.rubric:
        return check_rubric(rubric)
    if options.scenarios:
        return check_scenarios(list(options.scenarios), lang=options.lang or LANGS[0])
    course_dir = options.course
    if course_dir:
        root = Path(course_dir)
        problems = check_course(root, replay)
        where = str(root)
    else:
        library = default_library()
        root = default_course_root()
        problems = check_library(library, replay)
        where = str(library.root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"lessons check: {len(problems)} problem(s) in {where}", file=sys.stderr)
        return 1
    course = course_summary(load_course(root))
    if course_dir:
        print(f"lessons check: {root} clean ({course}, languages {', '.join(LANGS)})")
        return 0
    print(f"lessons check: clean ({len(REQUIRED_CODES)} codes, {len(CATALOGUE)} reply keys, "
          f"{len(REQUIRED_COMPARISONS)} comparisons, languages {', '.join(LANGS)}; "
          f"course: {course})")
    return 0


def check_scenarios(files: list[str], lang: str = LANGS[0]) -> int:
    """``lessons check --scenario FILE``: every problem of each file; 0 when all are fine."""
    problems = [problem for name in files for problem in check_file(name, lang)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"lessons check: {len(problems)} problem(s) in {', '.join(files)}", file=sys.stderr)
        return 1
    print(f"lessons check: clean ({', '.join(files)})")
    return 0


def run_new(options: LessonsOptions) -> int:
    """``lessons new ID [--course DIR]``: a new lesson file from the template, every field
    there and every text a placeholder ``lessons check`` names until written; 0 when made,
    2 when refused (the id is taken or not lower-case-with-dashes)."""
    lang = options.lang or saved_lang(LANGS) or LANGS[0]
    ident = str(options.name or "")
    if not ident:
        print(text("course.new-no-id", lang), file=sys.stderr)
        return 2
    root = Path(options.course) if options.course else default_course_root()
    planned = plan(root, ident)
    if planned.path is None:
        print(text(f"course.new-{planned.refused}", lang, id=show_text(ident, limit=60),
                   root=root), file=sys.stderr)
        return 2
    template = (data_root() / "templates" / "new-lesson.toml.in").read_text("utf-8")
    try:
        with planned.path.open("x", encoding="utf-8") as out:
            out.write(fill(template, ident, planned.number))
    except OSError as err:
        print(text("course.new-failed", lang, path=planned.path, error=err.strerror or err),
              file=sys.stderr)
        return 1
    print(text("course.new-made", lang, path=planned.path, id=ident, root=root))
    return 0
