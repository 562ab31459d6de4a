"""Each student's steps under ``serve --lesson``: the course's own tutor, fed each session's
Exchanges by name (the AUTH user, else the HELO name), progress kept over a reconnect."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from simulator.lessons.classmodel import students as students_module
from simulator.lessons.classmodel.model import ClassModel
from simulator.lessons.classmodel.students import Named, Students, Ticked
from simulator.lessons.course import Lesson, default_course_root, load_course
from simulator.lessons.course.setup import policy_for
from simulator.protocol import Exchange, Session


def lesson(wanted: str) -> Lesson:
    found = load_course(default_course_root()).find(wanted)
    assert found is not None
    return found


class Class:
    """A class model and its students, fed by real engine sessions."""

    def __init__(self, wanted: str = "hello") -> None:
        self.lesson = lesson(wanted)
        self.model, self.students = ClassModel(), Students(self.lesson)
        self.events: list[Named | Ticked] = []

    def session(self, session_id: str, *lines: bytes, user: str | None = None) -> Session:
        # without STARTTLS: AUTH in the clear (the TCP tests take the TLS road)
        policy = dataclasses.replace(policy_for(self.lesson.setup), tls=False)
        session = Session(policy, session_id=session_id)
        self.take(session_id, session.greeting(), None)
        for line in lines:
            for exchange in session.receive_data(line):
                self.take(session_id, exchange, session.security.user or user)
        return session

    def take(self, session_id: str, exchange: Exchange, user: str | None) -> None:
        self.model.observe(session_id, "127.0.0.1:1", exchange, 5.0)
        record = self.model.sessions[session_id]
        self.events += self.students.observe(record, exchange, user, 5.0)


def test_the_steps_are_ticked_from_the_servers_replies_even_before_a_name() -> None:
    school = Class()
    school.session("S1", b"EHLO alice.example\r\n", b"QUIT\r\n")
    record = school.model.sessions["S1"]
    assert (record.student, record.steps_done, record.steps_total) == (
        "alice.example", ("greeting", "ehlo", "quit"), 3)
    assert school.events[0] == Named("S1", "alice.example", 0)
    assert [e.step for e in school.events if isinstance(e, Ticked)] == ["greeting", "ehlo", "quit"]
    assert school.students.finished() == (["alice.example"], [])


def test_a_student_who_reconnects_under_the_same_name_keeps_their_steps() -> None:
    school = Class()
    school.session("S1", b"HELO bob.example\r\n", b"QUIT\r\n")  # HELO: not the ehlo step
    school.session("S2", b"EHLO bob.example\r\n")
    again = school.model.sessions["S2"]
    assert again.steps_done == ("greeting", "ehlo")
    assert Named("S2", "bob.example", 1) in school.events
    assert school.students.finished() == ([], ["bob.example"])
    school.session("S3", b"EHLO carol.example\r\n")
    assert school.model.sessions["S3"].steps_done == ("greeting", "ehlo")  # her own


def test_an_auth_user_names_the_student_and_the_helo_name_is_forgotten() -> None:
    school = Class("auth")
    plain = base64.b64encode(b"\0student\0secret")
    school.session("S1", b"EHLO laptop.example\r\n", b"AUTH PLAIN " + plain + b"\r\n")
    record = school.model.sessions["S1"]
    named = [e for e in school.events if isinstance(e, Named)]
    assert [e.student for e in named] == ["laptop.example", "student"]
    assert record.student == "student" and "logged-in" in record.steps_done
    assert school.students.finished() == ([], ["student"])  # laptop.example was the same one


def test_the_quit_asked_about_is_counted_once() -> None:
    school = Class()
    session = school.session("S1", b"EHLO dan.example\r\n")
    [quit_] = session.receive_data(b"QUIT\r\n")
    record = school.model.sessions["S1"]
    found = school.students.farewell(record, quit_, 6.0)
    assert found is not None and found[0] == 3
    assert [e.step for e in found[1] if isinstance(e, Ticked)] == ["quit"]
    assert school.students.observe(record, quit_, None, 6.0) == []
    assert record.steps_done == ("greeting", "ehlo", "quit") and record.last_step == 6.0


def test_a_session_without_a_name_gets_no_farewell_numbers() -> None:
    school = Class()
    session = school.session("S1")
    [quit_] = session.receive_data(b"QUIT\r\n")
    assert school.students.farewell(school.model.sessions["S1"], quit_, 1.0) is None
    assert school.students.finished() == ([], [])


def test_students_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(students_module, "STUDENT_LIMIT", 3)
    school = Class()
    for number in range(6):
        school.session(f"S{number}", f"EHLO s{number}.example\r\n".encode(), b"QUIT\r\n")
        school.students.ended(f"S{number}")
    done, not_done = school.students.finished()
    assert done == ["s3.example", "s4.example", "s5.example"] and not_done == []
