"""What each face's start-up imports, seen in a fresh interpreter (not timed: the modules
themselves). The command line imports a face only at its dispatch, and the layers below
are cheap to import, so ``smtp-sim serve`` loads no explanation, no console and no
prompt_toolkit, and ``smtp-sim explain`` no trio.

serve does read sentences at start (``listening on ...``): the UI and classroom readers
(``lessons.ui``, ``lessons.classroom`` with ``load``, its ``datacache`` and ``templates``) are
the only lesson modules it may import; they read their TOML on first use, not on import.
Beside them, the class model its log feeds (``lessons.classmodel``: data structures over the
engine's Exchanges, no lesson data; its students' tutors only with ``--lesson``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Final

SENTENCE_READERS: Final = frozenset({
    "simulator.lessons", "simulator.lessons.load", "simulator.lessons.datacache",
    "simulator.lessons.templates",
    "simulator.lessons.ui", "simulator.lessons.classroom"})
CLASS_MODEL: Final = frozenset({
    "simulator.lessons.classmodel", "simulator.lessons.classmodel.model",
    "simulator.lessons.classmodel.messages", "simulator.lessons.classmodel.shared"})


def imported(tmp_path: Path, code: str) -> set[str]:
    """The modules loaded after running ``code`` in a fresh interpreter (no saved settings)."""
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True, env={"SMTP_SIM_HOME": str(tmp_path),
                                                       "PATH": "/usr/bin:/bin"})
    return set(json.loads(done.stdout.splitlines()[-1]))


def started(face: str, argv: list[str]) -> str:
    """The command line's own start (settings, parser, options), then the face's module."""
    return (f"from simulator.cli import command as cli\ncli.parse_options({argv!r})\n"
            f"import simulator.faces.{face}")


def test_serve_imports_no_explanations_console_or_prompt_toolkit(tmp_path: Path) -> None:
    modules = imported(tmp_path, started("serve.main", ["serve"]))
    lessons = {name for name in modules if name.startswith("simulator.lessons")}
    assert lessons <= SENTENCE_READERS | CLASS_MODEL, sorted(lessons - SENTENCE_READERS)
    assert not any(name.startswith(("prompt_toolkit", "simulator.faces.console",
                                    "simulator.faces.shell", "simulator.faces.dashboard",
                                    "simulator.faces.serve.lesson"))
                   for name in modules)
    # of the client side, only the saved settings (the help's language)
    assert {name for name in modules if name.startswith("simulator.client")} <= {
        "simulator.client", "simulator.client.home"}
    assert "trio" in modules  # the probe does see what serve needs


HEAVY_UNNEEDED: Final = ("email", "cryptography", "asyncio", "http", "xml", "sqlite3")
"""Standard or third-party packages a plain server start does not need (``ssl`` and ``json``
come with trio itself; a DSN's date is written by protocol/trace.py, not email.utils). A
lesson or a scenario (faces/serve/lesson.py) may bring them."""


def test_serve_imports_no_email_or_other_heavy_packages(tmp_path: Path) -> None:
    modules = imported(tmp_path, started("serve.main", ["serve", "--auth"]))
    assert not [name for name in modules if name.partition(".")[0] in HEAVY_UNNEEDED]


def test_console_imports_no_email(tmp_path: Path) -> None:
    modules = imported(tmp_path, started("console", []))
    assert "prompt_toolkit" in modules
    assert not [name for name in modules if name.partition(".")[0] == "email"]


COMPILES_SEEN: Final = """import json, re, sys
compiled_by = set()
_compile = re._compile
def _recording(pattern, flags):
    frame = sys._getframe(1)
    while frame.f_globals.get("__name__") in ("re", "functools"):
        frame = frame.f_back
    compiled_by.add(frame.f_globals.get("__name__"))
    return _compile(pattern, flags)
re._compile = _recording
"""


def test_serve_and_console_starts_compile_no_pattern_of_their_own(tmp_path: Path) -> None:
    """Patterns are compiled on first use: a start compiles only the libraries' own."""
    for face, argv in (("serve.main", ["serve"]), ("console", []), ("run", ["run"])):
        code = (f"{COMPILES_SEEN}{started(face, argv)}\n"
                "print(json.dumps(sorted(name for name in compiled_by if name)))\n")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60, check=True, env={"SMTP_SIM_HOME": str(tmp_path),
                                                           "PATH": "/usr/bin:/bin"})
        modules = json.loads(done.stdout.splitlines()[-1])
        assert "argparse" in modules, face  # the probe does see compiles
        # the console and run still compile lessons.entries' and scenario_check's patterns
        own = "simulator" if face == "serve.main" else ("simulator.protocol", "simulator.render",
                                                     "simulator.client", "simulator.faces")
        assert not [name for name in modules if name.startswith(own)], (face, modules)


def test_explain_imports_no_trio(tmp_path: Path) -> None:
    modules = imported(tmp_path, "import contextlib, io\nfrom simulator.cli import command as cli\n"
                                 "with contextlib.redirect_stdout(io.StringIO()):\n"
                                 "    cli.main(['explain', '221', '550'])")
    assert not any(name.startswith(("trio", "prompt_toolkit", "simulator.server"))
                   for name in modules)
    assert "simulator.lessons.annotate" in modules or "simulator.lessons.entries" in modules


def test_the_command_line_alone_imports_no_face_trio_or_explanations(tmp_path: Path) -> None:
    modules = imported(tmp_path, "from simulator.cli import command as cli\ncli.parse_options(['run'])")
    assert not any(name.startswith(("trio", "prompt_toolkit", "simulator.faces.",
                                    "simulator.server", "simulator.lessons.annotate"))
                   for name in modules)


def test_run_and_report_import_no_prompt_toolkit(tmp_path: Path) -> None:
    for face, argv in (("run", ["run"]), ("report", ["report", "x.jsonl"]),
                       ("grade", ["grade"])):
        modules = imported(tmp_path, started(face, argv))
        assert not any(name.startswith(("prompt_toolkit", "simulator.faces.console"))
                       for name in modules), face
