"""``serve --lesson``: each student's progress in the lesson, ticked by the course's tutor.

One road: the same pure tutor the console's lessons use (``lessons.course.tutor``) observes
each TCP session's Exchanges, as the class model receives them (in serve's log thread, never
on trio's). A student is known by the AUTH user when there is one, else by the HELO/EHLO
name; the tutor's state is kept per name, so a student who connects again under the same
name goes on where they left off. What a session does before it has a name (its greeting,
a command sent too early) is kept and given to the student's tutor once the name is known;
a later AUTH renames the session, and its Exchanges so far are given to that user's tutor.
Bounded: STUDENT_LIMIT students (the longest idle forgotten first), REPLAY_LIMIT Exchanges
kept per open session,
SEAT_LIMIT open sessions.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from simulator.lessons.course import Lesson, Tutor
from simulator.protocol import Exchange
from simulator.protocol.escape import show_text
from simulator.protocol.farewell import QUIT_KEYS

from .model import SessionRecord, kept

STUDENT_LIMIT: Final = 1000
"""Students whose progress is kept; past that the one idle longest is forgotten."""
REPLAY_LIMIT: Final = 200
"""Exchanges an open session keeps for its student's tutor (before a name, for a rename)."""
SEAT_LIMIT: Final = 4000
"""Open sessions followed at most: one whose end never came (the feed was full) is let go."""
NAME_LIMIT: Final = 64
"""Characters of a student's name kept (escaped: a name is client text)."""


class Named(NamedTuple):
    """A session became known as ``student`` (again, after an AUTH), who had ``done``
    steps then (a student who connects again brings them)."""

    session_id: str
    student: str
    done: int


class Ticked(NamedTuple):
    """``student`` did ``step``: ``done`` of the lesson's steps are done now."""

    session_id: str
    student: str
    step: str
    done: int


Event = Named | Ticked


@dataclass(slots=True)
class _Student:
    tutor: Tutor
    sessions: set[str] = field(default_factory=set)
    """The sessions that have used this name (while they are open)."""
    first_session: str = ""


@dataclass(slots=True)
class _Seat:
    """One open session, as the lesson follows it."""

    student: str = ""
    kept: deque[Exchange] = field(default_factory=lambda: deque(maxlen=REPLAY_LIMIT))
    by_auth: bool = False
    """Known by an AUTH user: a new EHLO (after STARTTLS, say) does not rename it."""
    said_goodbye: bool = False
    """The tutor saw this session's QUIT already (asked by :meth:`Students.farewell`)."""


class Students:
    """Every student of one lesson: their tutors, by name, and the open sessions."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.total = len(lesson.goals)
        self._students: OrderedDict[str, _Student] = OrderedDict()
        self._seats: dict[str, _Seat] = {}

    def observe(self, record: SessionRecord, exchange: Exchange, user: str | None,
                now: float) -> list[Event]:
        """Take one Exchange of ``record``'s session (``user``: who had logged in with AUTH);
        the record's lesson fields are brought up to date; what happened, for the logs."""
        seat = self._seats.get(record.session_id)
        if seat is None:
            seat = self._seats[record.session_id] = _Seat()
            if len(self._seats) > SEAT_LIMIT:
                self.ended(next(iter(self._seats)))
            record.steps_total, record.last_step = self.total, record.started
        if seat.said_goodbye and exchange.reply.key in QUIT_KEYS:
            return []  # farewell() gave it to the tutor already
        seat.kept.append(kept(exchange))
        if user:
            seat.by_auth = True
        name = show_text(user or ("" if seat.by_auth else record.helo), limit=NAME_LIMIT)
        if name and name != seat.student:
            return self._rename(record, seat, name, now)
        if not seat.student:
            return []
        return self._tick(record, seat, [exchange], now)

    def farewell(self, record: SessionRecord, exchange: Exchange,
                 now: float) -> tuple[int, list[Event]] | None:
        """The 221 to QUIT of ``record``'s session, before it is sent: the steps its
        student has done, counting this QUIT, and what happened; None when the session has
        no name yet (the plain 221 goes out, and the Exchange comes back to observe)."""
        seat = self._seats.get(record.session_id)
        if seat is None or not seat.student:
            return None
        seat.said_goodbye = True
        seat.kept.append(exchange)
        events = self._tick(record, seat, [exchange], now)
        return len(record.steps_done), events

    def ended(self, session_id: str) -> None:
        """The session is over: what it kept goes (its student stays)."""
        seat = self._seats.pop(session_id, None)
        if seat is not None and seat.student in self._students:
            self._students[seat.student].sessions.discard(session_id)

    def _rename(self, record: SessionRecord, seat: _Seat, name: str,
                now: float) -> list[Event]:
        """The session is ``name`` from now on: the Exchanges it kept go to that student's
        tutor (a name only this session ever used is forgotten: it was the same student)."""
        old = self._students.get(seat.student)
        if old is not None:
            old.sessions.discard(record.session_id)
            if old.first_session == record.session_id and not old.sessions:
                del self._students[seat.student]
        seat.student = record.student = name
        student = self._student(name, record.session_id)
        student.sessions.add(record.session_id)
        record.steps_done = student.tutor.progress.met
        events: list[Event] = [Named(record.session_id, name, len(record.steps_done))]
        return events + self._tick(record, seat, list(seat.kept), now)

    def _student(self, name: str, session_id: str) -> _Student:
        student = self._students.get(name)
        if student is None:
            student = self._students[name] = _Student(Tutor(self.lesson),
                                                      first_session=session_id)
            self._forget_idle()
        self._students.move_to_end(name)
        return student

    def _forget_idle(self) -> None:
        while len(self._students) > STUDENT_LIMIT:
            idle = next((name for name, s in self._students.items() if not s.sessions), None)
            if idle is None:
                return
            del self._students[idle]

    def _tick(self, record: SessionRecord, seat: _Seat, exchanges: list[Exchange],
              now: float) -> list[Event]:
        tutor = self._students[seat.student].tutor
        events: list[Event] = []
        for exchange in exchanges:
            progress = tutor.observe(exchange)
            events += [Ticked(record.session_id, seat.student, step, len(progress.met))
                       for step in progress.ticked]
        if events:
            record.last_step = now
        record.steps_done = tutor.progress.met
        return events

    def finished(self) -> tuple[list[str], list[str]]:
        """The students who finished the lesson and those who did not, in the order they
        were first seen (of those still kept)."""
        done = [name for name, s in self._students.items() if s.tutor.complete]
        not_done = [name for name, s in self._students.items() if not s.tutor.complete]
        return done, not_done
