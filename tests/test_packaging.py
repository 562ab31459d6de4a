"""The wheel carries the lesson data, and an installed (non-editable) copy finds it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import ROOT
from tests.wording import finished, lesson


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("smtp_sim-*.whl"))


def test_wheel_contains_every_lesson_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT / "lessons").as_posix()
               for p in (ROOT / "lessons").rglob("*.toml")}
    assert shipped, "no lesson data in lessons/"
    assert "scenarios/realistic.toml" in shipped
    assert {f"simulator/lessons_data/{name}" for name in shipped} <= names
    assert "simulator/py.typed" in names


def test_installed_copy_explains_from_its_own_data(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "simulator", "explain", "221"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "221" in result.stdout
    where = subprocess.run([sys.executable, "-c", "import simulator; print(simulator.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))
    played = subprocess.run([sys.executable, "-m", "simulator", "run", "-", "--scenario",
                             "realistic"], cwd=tmp_path, env=env, input="EHLO c.example\n",
                            capture_output=True, text=True, timeout=60)
    assert "scenario realistic" in played.stdout, played.stderr


def test_installed_copy_plays_its_builtin_demos(wheel: Path, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    demos = {p.relative_to(ROOT / "lessons").as_posix()
             for p in (ROOT / "lessons" / "demos").iterdir()}
    assert "demos/first-mail.zh.run" in demos
    assert {f"simulator/lessons_data/{name}" for name in demos} <= names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    listed = subprocess.run([sys.executable, "-m", "simulator", "demo", "list"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60)
    assert "first-mail" in listed.stdout and "bounces" in listed.stdout, listed.stderr
    played = subprocess.run([sys.executable, "-m", "simulator", "demo", "first-mail", "--lang",
                             "zh"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert played.returncode == 0, played.stderr
    assert "亲手发出第一封邮件" in played.stdout and "<-  250 2.0.0 OK: message accepted" in played.stdout


def test_installed_copy_teaches_the_course(wheel: Path, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    lessons = {p.name for p in (ROOT / "lessons" / "course").glob("*.toml")}
    assert len(lessons) >= 18
    assert {f"simulator/lessons_data/course/{name}" for name in lessons} <= names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1",
           "SMTP_SIM_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-m", "simulator", "learn", "hello"], cwd=tmp_path,
                            env=env, input="EHLO client.example\nQUIT\n", capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert finished(lesson("hello")) in result.stdout


def test_wheel_ships_the_web_pages_static_files(wheel: Path) -> None:
    """serve --web's CSS and script are package data (no CDN, no build step)."""
    names = set(zipfile.ZipFile(wheel).namelist())
    static = ROOT / "simulator" / "faces" / "web" / "static"
    shipped = {f"simulator/faces/web/static/{path.name}" for path in static.iterdir()}
    assert {"simulator/faces/web/static/web.css", "simulator/faces/web/static/web.js"} <= shipped
    assert shipped <= names
