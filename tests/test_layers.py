"""The layers hold: import-linter's contracts (pyproject.toml) pass on the real tree and fail
on a fixture package that breaks them, so a contract that checks nothing cannot pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests import ROOT

LAYERS = ("cli", "faces", "render", "client", "lessons", "server", "files", "protocol",
          "options")
FACES = ("console", "dashboard", "demo", "explain", "grade", "learn", "lessons_check", "report",
         "run", "serve", "web", "shell", "prompt")
MODULES = ("protocol/referee.py", "protocol/session.py")
"""Modules a contract names by themselves."""


def lint_imports(where: Path, *, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts, importing ``simulator`` from ``path``."""
    env = dict(os.environ, PYTHONPATH=str(path)) if path else dict(os.environ)
    binary = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert binary, "import-linter is part of the test extra"
    return subprocess.run([binary, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=where, env=env, capture_output=True, text=True, check=False)


def fake_tree(tmp_path: Path, wrong: dict[str, str]) -> Path:
    """A ``simulator`` package with every layer and face, each empty except ``wrong``:
    module path -> the source that breaks a contract."""
    root = tmp_path / "fake"
    package = root / "simulator"
    for layer in LAYERS:
        (package / layer).mkdir(parents=True, exist_ok=True)
        (package / layer / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    for face in FACES:
        (package / "faces" / face).mkdir(exist_ok=True)
        (package / "faces" / face / "__init__.py").write_text("")
    for module in MODULES:
        (package / module).write_text("")
    for module, source in wrong.items():
        target = package / module
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
    return root


def test_the_real_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_every_module_under_faces_is_a_face_the_contracts_name() -> None:
    """A module lying loose in faces/ is in no face's package, so "No face imports another
    face" does not see it: a face's modules live in its package (issue 26)."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    independent = next(contract["modules"] for contract in contracts["contracts"]
                       if contract["name"] == "No face imports another face")
    faces = ROOT / "simulator" / "faces"
    found = {f"simulator.faces.{path.stem}" for path in faces.iterdir()
             if (path.suffix == ".py" and path.stem != "__init__")
             or (path / "__init__.py").is_file()}
    shared = {"simulator.faces.shell", "simulator.faces.prompt"}
    assert found - shared == set(independent)
    assert {name.removeprefix("simulator.faces.") for name in found} == set(FACES)


def test_the_clean_fixture_keeps_every_contract(tmp_path: Path) -> None:
    root = fake_tree(tmp_path, {})
    result = lint_imports(root, path=root)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(("module", "source", "contract"), [
    ("server/up.py", "import simulator.faces\n", "Layers, cli down to protocol"),
    ("protocol/up.py", "from simulator.lessons import x\n", "Layers, cli down to protocol"),
    ("files/up.py", "import simulator.server\n", "Layers, cli down to protocol"),
    # the option records are below everything; argparse's reader above every face
    ("options/up.py", "import simulator.protocol\n", "Layers, cli down to protocol"),
    ("faces/run/args.py", "import simulator.cli.args\n", "Layers, cli down to protocol"),
    ("faces/run/peek.py", "import simulator.faces.console\n", "No face imports another face"),
    ("faces/learn/peek.py", "import simulator.faces.console\n", "No face imports another face"),
    ("faces/dashboard/peek.py", "import simulator.faces.serve.classlog\n",
     "No face imports another face"),
    ("faces/serve/peek.py", "import simulator.faces.web\n", "No face imports another face"),
    ("faces/shell/peek.py", "import simulator.faces.learn\n", "The shared prompt imports no face"),
    ("faces/prompt/peek.py", "import simulator.faces.shell\n", "The shared prompt imports no face"),
    ("lessons/course/__init__.py", "import prompt_toolkit\n", "The lessons are pure"),
    ("protocol/clock.py", "import time\n", "The engine is sans-IO"),
    ("protocol/net.py", "import socket\n", "The engine is sans-IO"),
    ("protocol/through.py", "import simulator.protocol.helper\n", "The engine is sans-IO"),
    ("lessons/loop.py", "import trio\n", "The lessons are pure"),
    ("render/ui.py", "import prompt_toolkit\n", "prompt_toolkit only under faces"),
    ("protocol/referee.py", "from simulator.protocol import session\n",
     "The referee sees facts, not the session"),
])
def test_a_wrong_import_breaks_its_contract(tmp_path: Path, module: str, source: str,
                                            contract: str) -> None:
    wrong = {module: source}
    if module == "protocol/through.py":  # indirect: the helper is the one that imports trio
        wrong["protocol/helper.py"] = "import simulator.server.sock\n"
        wrong["server/sock.py"] = "import trio\n"
    root = fake_tree(tmp_path, wrong)
    result = lint_imports(root, path=root)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout


def test_a_circle_between_sibling_packages_breaks_its_contract(tmp_path: Path) -> None:
    root = fake_tree(tmp_path, {
        "lessons/course/__init__.py": "", "lessons/grading/__init__.py": "",
        "lessons/course/quiz.py": "import simulator.lessons.grading.judge\n",
        "lessons/grading/judge.py": "def later() -> None:\n    import simulator.lessons.course.quiz\n"})
    result = lint_imports(root, path=root)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith("No import circle between siblings") for line in broken)
    assert "- .course -> .grading" in result.stdout or "- .grading -> .course" in result.stdout
