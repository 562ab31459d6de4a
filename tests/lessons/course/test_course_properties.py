"""Any correct way counts: every solution of every lesson, varied as a learner varies it (the
case of commands and domains, other addresses of the same class in the scenario, another AUTH
mechanism, commands pipelined in one write or not), still completes the lesson."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.faces.shell.course import replay
from simulator.lessons.course import (
    Lesson,
    Replayed,
    default_course_root,
    load_course,
    missing_goals,
)
from simulator.lessons.course.model import Attempt

COURSE = load_course(default_course_root())
CASES = [(lesson, attempt) for lesson in COURSE.available for attempt in lesson.solutions]

VERB = re.compile(r"^(EHLO|HELO|MAIL FROM:|RCPT TO:|DATA|RSET|NOOP|QUIT|STARTTLS|AUTH \w+)",
                  re.IGNORECASE)
PARAMETER = re.compile(r"\b(SIZE=|BODY=8BITMIME|BODY=7BIT|SMTPUTF8)\b", re.IGNORECASE)
ADDRESS = re.compile(r"([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+\.[A-Za-z]+)")
OURS = ("example.com", "example.org", "example.net")
PROVIDERS = ("gmail.com", "yahoo.com", "aol.com", "outlook.com", "qq.com", "163.com")
"""Senders at these domains are the DMARC lesson's point: keep the domain."""
LAB = ("campus.example", "nomail.example", "bank.example", "shop.example")
"""Domains the lessons give a meaning of their own: the MX lesson's (a best and a backup MX;
a null MX), and those the realistic zone gives an SPF record, a DMARC policy or a null MX
(the capstone's point too): keep the domain."""
SPECIAL = {"nobody", "full", "busy", "moved", "greylist", "postmaster", "student", "teacher",
           "s.student", "gone"}
"""Local parts the scenario gives a meaning of their own (or the AUTH accounts and their
aliases, which the sender login check of lesson 22 ties to their owners): keep them."""
A_LABEL = "xn--"
"""A domain in its A-label form (RFC 5890) is a class of its own (lesson 24): keep it."""
NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")
FOREIGN = ("friend@elsewhere.example", "pal@far-away.example", "someone@school.example")
PIPELINABLE = ("MAIL", "RCPT", "RSET", "NOOP")
"""RFC 2920 §3.1: these may be sent in one write without waiting for each reply."""

Draw = Callable[[st.SearchStrategy[object]], object]


def _case(draw: Draw, text: str) -> str:
    how = draw(st.sampled_from((str.upper, str.lower, str.title)))
    return how(text)  # type: ignore[operator]


def _commands(lines: tuple[str, ...]) -> Iterator[tuple[int, bool]]:
    """Each line's index and whether it is a command (not message text, not a directive).
    Only a dot sent with CRLF after a line ended with CRLF ends the text (RFC 5321 §4.1.1.4):
    under ``:eol lf``, or right after a line sent so, a dot is text (the smuggling lesson)."""
    in_data = eol_lf = after_lf = False
    for index, line in enumerate(lines):
        if line.lower().startswith(":eol"):
            eol_lf = line.split()[-1].lower() == "lf"
        if in_data:
            if not line.startswith((":", "#")):
                in_data = line != "." or eol_lf or after_lf
                after_lf = eol_lf
            yield index, False
            continue
        yield index, not line.startswith((":", "#"))
        in_data = line.upper() == "DATA"


def vary_case(draw: Draw, lines: list[str], commands: set[int]) -> list[str]:
    out = list(lines)
    for index in commands:
        line = VERB.sub(lambda m: _case(draw, m.group(1)), out[index], count=1)
        out[index] = PARAMETER.sub(lambda m: _case(draw, m.group(1)), line)
    return out


def vary_addresses(draw: Draw, lines: list[str]) -> list[str]:
    """Other addresses of the same class: a local mailbox for a local one, a foreign address for
    a foreign one; the same address stays the same everywhere ("the same recipient")."""
    names = iter(draw(st.permutations(NAMES)))  # type: ignore[call-overload]
    mapping: dict[str, str] = {}

    def other(match: re.Match[str]) -> str:
        local, domain = match.group(1), match.group(2)
        address = match.group(0)
        if local.lower() in SPECIAL or A_LABEL in domain.lower():
            return address
        if address.lower() not in mapping:
            if domain.lower() in (*OURS, *PROVIDERS, *LAB):
                new = f"{next(names)}@{_case(draw, domain)}"
            else:
                new = draw(st.sampled_from(FOREIGN))  # type: ignore[assignment]
            mapping[address.lower()] = str(new)
        return mapping[address.lower()]

    return [ADDRESS.sub(other, line) for line in lines]


def vary_auth(draw: Draw, lines: list[str]) -> list[str]:
    """AUTH PLAIN with the credentials on the line, in two steps, or AUTH LOGIN."""
    out: list[str] = []
    for line in lines:
        match = re.fullmatch(r"AUTH PLAIN (\S+)", line, re.IGNORECASE)
        if match is None:
            out.append(line)
            continue
        _, user, password = base64.b64decode(match.group(1)).split(b"\0")
        way = draw(st.sampled_from(("inline", "two-step", "login")))
        if way == "two-step":
            out += ["AUTH PLAIN", match.group(1)]
        elif way == "login":
            out += ["AUTH LOGIN", base64.b64encode(user).decode(),
                    base64.b64encode(password).decode()]
        else:
            out.append(line)
    return out


def play(lesson: Lesson, lines: list[str], *, pipelined: bool) -> Replayed:
    """The lines on the learner's road; pipelined: runs of MAIL, RCPT, RSET and NOOP go to
    the server in one write (``:pipeline`` ... ``:end``), as a pipelining client sends them;
    a group the lines already hold stays as it is (its end is part of the lesson: DATA last)."""
    script: list[str] = []
    batch: list[str] = []
    grouped = False

    def flush() -> None:
        script.extend([":pipeline", *batch, ":end"] if len(batch) > 1 else batch)
        batch.clear()

    for index, command in _commands(tuple(lines)):
        line = lines[index]
        if line.lower() in (":pipeline", ":end"):
            grouped = line.lower() == ":pipeline"
        if pipelined and not grouped and command and line.split(" ", 1)[0].upper() in PIPELINABLE:
            batch.append(line)
            continue
        flush()
        script.append(line)
    flush()
    return replay(lesson, script)


@pytest.mark.parametrize(("lesson", "attempt"), CASES,
                         ids=[f"{lesson.id}-{i}" for i, (lesson, _) in enumerate(CASES)])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_learners_variation_of_a_solution_completes_the_lesson(
        lesson: Lesson, attempt: Attempt, data: st.DataObject) -> None:
    lines = vary_auth(data.draw, list(attempt.lines))
    commands = {index for index, command in _commands(tuple(lines)) if command}
    if data.draw(st.booleans(), label="case"):
        lines = vary_case(data.draw, lines, commands)
    if data.draw(st.booleans(), label="addresses"):
        lines = vary_addresses(data.draw, lines)
    pipelined = data.draw(st.booleans(), label="pipelined")
    run = play(lesson, lines, pipelined=pipelined)
    assert missing_goals(lesson, run.progress) == (), lines
