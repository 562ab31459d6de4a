"""No import circle between modules (issue 26): when ``a`` imports ``b`` and ``b`` imports ``a``,
the two are one thing, or share a piece that belongs below both, and neither can be read,
tested or moved alone. The fix is a design one (move the shared record or constant down, pass
a function in, merge the two), never an import hidden inside a function: the graph counts every
import in a module, at its top or inside a function, the way import-linter's scanner (grimp)
reads them, with ``from package import name`` meaning the module ``package.name`` when there is
one.

Imports under ``if TYPE_CHECKING:`` are checked in a pass of their own: they run at no time, but
a module that names another's types in its signatures depends on it all the same, so a circle
through them is one of design too.

Python hides one more circle: importing ``package.module`` runs ``package/__init__.py`` first.
An ``__init__`` that holds code and imports the package's modules for it is imported by each
of them, so a package's ``__init__`` is a list of re-exports at most; its code is a module.

import-linter's ``acyclic_siblings`` contract (pyproject.toml) guards part of this on every
``lint-imports`` run, and more: it squashes each package and forbids circles between siblings.
It does not see a package whose ``__init__`` imports a module that imports the package back
(they are parent and child, not siblings), nor say which modules make a circle; this test does.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp
import pytest

from tests import ROOT


def cycles(package: str, *, type_checking: bool) -> list[list[str]]:
    """Every shortest import circle among ``package``'s modules, each as the chain of modules
    from its smallest name back to it, sorted; ``type_checking`` counts the imports under
    ``if TYPE_CHECKING:`` too."""
    graph = grimp.build_graph(package, cache_dir=None,
                              exclude_type_checking_imports=not type_checking)
    found: set[tuple[str, ...]] = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                found.add(rotated((module, *back[:-1])))
    return sorted([*circle, circle[0]] for circle in found)


def rotated(circle: tuple[str, ...]) -> tuple[str, ...]:
    """The same circle starting at its smallest module, so each is found once."""
    start = circle.index(min(circle))
    return circle[start:] + circle[:start]


def drawn(found: list[list[str]]) -> str:
    """One circle a line, ``a -> b -> a``, for the builder who has to break them."""
    return "\n".join(" -> ".join(chain) for chain in found)


@pytest.mark.parametrize("type_checking", [False, True], ids=["at-run-time", "with-type-checking"])
def test_no_module_imports_itself_through_others(type_checking: bool) -> None:
    found = cycles("simulator", type_checking=type_checking)
    assert not found, f"{len(found)} import circles:\n{drawn(found)}"


def code_in_init(source: str) -> list[str]:
    """What a package's ``__init__`` holds besides its docstring, imports and ``__all__``:
    the lines of its other statements."""
    body = ast.parse(source).body
    return [f"line {node.lineno}" for node in body
            if not isinstance(node, ast.Import | ast.ImportFrom)
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
            and not (isinstance(node, ast.Assign | ast.AnnAssign)
                     and ast.unparse(node).startswith("__all__"))]


def test_a_package_init_holds_no_code_of_its_own() -> None:
    held = {str(init.relative_to(ROOT)): code_in_init(init.read_text(encoding="utf-8"))
            for init in sorted((ROOT / "simulator").rglob("__init__.py"))}
    assert not {path: lines for path, lines in held.items() if lines}


@pytest.mark.parametrize(("source", "lines"), [
    ('"""Doc."""\nfrom .app import run\n__all__ = ["run"]\n', []),
    ('"""Doc."""\nfrom .app import helper\n\ndef run() -> None:\n    helper()\n', ["line 4"]),
    ("from .model import Model\nclass Course(Model):\n    pass\n", ["line 2"]),
    ("import sys\nLIMIT = 3\n", ["line 2"]),
])
def test_code_in_an_init_is_found(source: str, lines: list[str]) -> None:
    assert code_in_init(source) == lines


FIXTURES = {
    "two modules": ({"a.py": "from fixpkg import b\n", "b.py": "import fixpkg.a\n"},
                    [["fixpkg.a", "fixpkg.b", "fixpkg.a"]]),
    "inside a function": ({"a.py": "import fixpkg.b\n",
                           "b.py": "def later():\n    from fixpkg.a import x\n"},
                          [["fixpkg.a", "fixpkg.b", "fixpkg.a"]]),
    "three modules, relative": ({"a.py": "from . import b\n", "b.py": "from .c import y\n",
                                 "c.py": "from .a import z\n"},
                                [["fixpkg.a", "fixpkg.b", "fixpkg.c", "fixpkg.a"]]),
    "a module importing its package's re-export": (
        {"face/__init__.py": "from .app import run\nfrom .other import more\n",
         "face/app.py": "from fixpkg.face import helper\n", "face/helper.py": "",
         "face/other.py": "from fixpkg.face import run\nmore = run\n"},
        [["fixpkg.face", "fixpkg.face.other", "fixpkg.face"]]),
    "a line below both": ({"a.py": "import fixpkg.shared\n", "b.py": "import fixpkg.a, fixpkg.shared\n",
                           "shared.py": ""}, []),
}
"""Fixture packages (path -> source) and the circles the scan must draw in them."""

TYPING_ONLY = {"a.py": "import fixpkg.b\n",
               "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from fixpkg.a import A\n"}


def fixture_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    """Write ``fixpkg`` with ``files`` under ``tmp_path`` and make it importable by name."""
    for name, source in {"__init__.py": "", **files}.items():
        target = tmp_path / "fixpkg" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (target.parent / "__init__.py").touch()
        target.write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fixpkg", raising=False)


@pytest.mark.parametrize("case", FIXTURES)
def test_the_scan_draws_every_circle_it_should(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               case: str) -> None:
    files, expected = FIXTURES[case]
    fixture_package(tmp_path, monkeypatch, files)
    assert cycles("fixpkg", type_checking=False) == expected


def test_a_circle_through_type_checking_is_found_in_its_own_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixture_package(tmp_path, monkeypatch, TYPING_ONLY)
    assert cycles("fixpkg", type_checking=False) == []
    assert cycles("fixpkg", type_checking=True) == [["fixpkg.a", "fixpkg.b", "fixpkg.a"]]
    assert drawn(cycles("fixpkg", type_checking=True)) == "fixpkg.a -> fixpkg.b -> fixpkg.a"
