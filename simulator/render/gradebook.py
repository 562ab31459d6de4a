"""The gradebook of a class: what ``serve --log`` wrote, gathered per student.

Fed the JSON Lines records one at a time (see ``render/lessonlog.py`` for what serve writes:
one object per exchange, and ``"event"`` objects for a session's end, a student named under
``--lesson``, a step ticked, a message accepted or discarded), it keeps per session what the
gradebook needs, then joins the sessions of one student: a student is the name the lesson
knew them by, else the HELO/EHLO name, else the client's address. Pure: the face reads the
file, ``render/report.py`` prints the rows.

Everything is bounded, since a log may be long, cut short or edited by hand: at most
SESSION_LIMIT sessions (more are counted, not kept), reply keys only from the engine's
catalogue, names cut to NAME_LIMIT characters; a record that is not what serve writes is
skipped and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from simulator.lessons.classmodel.model import NOT_MISTAKES
from simulator.protocol import CATALOGUE

SESSION_LIMIT: Final = 100_000
"""Sessions kept (a class of 40 for an afternoon makes a few hundred)."""
NAME_LIMIT: Final = 64
"""Characters of a student's name kept (a HELO name may be 255)."""
KEY_LIMIT: Final = 1000
"""Different teacher's rules (``rule.NAME`` reply keys) a log may name."""
STEP_LIMIT: Final = 200
"""Steps kept per lesson and student (a lesson has a handful)."""


@dataclass(slots=True)
class _Session:
    """One session's share of the gradebook, until it is known whose it is."""

    client: str
    student: str = ""
    helo: str = ""
    first: str = ""
    last: str = ""
    commands: int = 0
    errors: int = 0
    mistakes: Counter[str] = field(default_factory=Counter)
    accepted: int = 0
    discarded: int = 0
    accepted_replies: int = 0
    """250s at the final dot (counted for logs written without message records)."""
    hung_up_in_data: int = 0
    steps: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per lesson id: the most steps the tutor counted done at once, and how many it has.
    The most, not the last: a step met inside a transaction is undone when the transaction
    ends unfinished, and the report says how far the student got."""

    def name(self) -> str:
        return self.student or self.helo or self.client.rpartition(":")[0] or self.client


@dataclass(frozen=True, slots=True)
class Row:
    """One student's line of the gradebook."""

    name: str
    lessons: tuple[tuple[str, int, int], ...]
    """Per lesson: its id, steps done, steps in all."""
    first: str
    last: str
    sessions: int
    commands: int
    errors: int
    mistake: tuple[str, int, int] | None
    """The student's most frequent mistake: its reply key, how often it came, its code."""
    accepted: int
    discarded: int

    @property
    def finished(self) -> bool:
        return bool(self.lessons) and all(done >= total for _, done, total in self.lessons)


@dataclass(frozen=True, slots=True)
class ClassMistake:
    key: str
    code: int
    times: int
    students: int


@dataclass(frozen=True, slots=True)
class Gradebook:
    rows: tuple[Row, ...]
    mistakes: tuple[ClassMistake, ...]
    skipped: int
    """Lines that were not a record serve writes (a log cut mid-line, a hand edit)."""
    untracked: int
    """Sessions past SESSION_LIMIT: counted here, left out of the rows."""

    @property
    def lesson(self) -> bool:
        """The log is of a lesson (``serve --lesson``): steps were recorded."""
        return any(row.lessons for row in self.rows)


class Collector:
    """Takes the records in the order they were written; :meth:`gradebook` gives the rows."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str, str], _Session] = {}
        self._messages_seen = False
        self.codes: dict[str, int] = {}
        """The codes of the teacher's rules met (``rule.NAME``: not in the catalogue)."""
        self.skipped = 0
        self.untracked = 0

    def take(self, record: object) -> None:
        """One parsed JSON line; anything but what serve writes is skipped and counted."""
        if not isinstance(record, Mapping) or not _written_by_serve(record):
            self.skipped += 1
            return
        session = self._session(record)
        if session is None:
            return
        when = _text(record, "time")
        session.first = session.first or when
        session.last = when or session.last
        event = record.get("event")
        if event is None:
            self._exchange(session, record)
        else:
            _EVENTS[str(event)](self, session, record)

    def _session(self, record: Mapping[str, object]) -> _Session | None:
        key = (_text(record, "session"), _text(record, "client"))
        session = self._sessions.get(key)
        if session is None:
            if len(self._sessions) >= SESSION_LIMIT:
                self.untracked += 1
                return None
            session = self._sessions[key] = _Session(key[1])
        return session

    def _exchange(self, session: _Session, record: Mapping[str, object]) -> None:
        key = _text(record, "key")
        code = self._code(key, record.get("reply_code"))
        if code is None:
            self.skipped += 1
            return
        command = record.get("command")
        if isinstance(command, str):
            session.commands += 1
            verb, _, rest = command.partition(" ")
            if verb.upper() in ("EHLO", "HELO") and code == 250 and rest.strip():
                session.helo = rest.strip()[:NAME_LIMIT]
        if code >= 400 and key not in NOT_MISTAKES:
            session.errors += 1
            session.mistakes[key] += 1
        session.accepted_replies += key == "data.accepted"

    def _code(self, key: str, written: object) -> int | None:
        """The reply code of ``key``: the catalogue's, or for a teacher's rule (``rule.NAME``)
        the one written, remembered for at most KEY_LIMIT rules."""
        spec = CATALOGUE.get(key)
        if spec is not None:
            return spec.code
        if key not in self.codes and len(self.codes) >= KEY_LIMIT:
            return None
        self.codes[key] = self.codes.get(key) or (written if isinstance(written, int) else 0)
        return self.codes[key]

    def _end(self, session: _Session, record: Mapping[str, object]) -> None:
        session.hung_up_in_data += record.get("message_discarded") is True

    def _student(self, session: _Session, record: Mapping[str, object]) -> None:
        session.student = _text(record, "student")[:NAME_LIMIT] or session.student

    def _step(self, session: _Session, record: Mapping[str, object]) -> None:
        self._student(session, record)
        lesson, done, total = _text(record, "lesson"), record["done"], record["total"]
        assert isinstance(done, int) and isinstance(total, int)  # _written_by_serve
        best, _ = session.steps.get(lesson, (0, total))
        session.steps[lesson] = (max(best, done), total)

    def _message(self, session: _Session, record: Mapping[str, object]) -> None:
        self._messages_seen = True
        status = record.get("status")
        session.accepted += status == "accepted"
        session.discarded += status == "discarded"

    def gradebook(self) -> Gradebook:
        students: dict[str, list[_Session]] = {}
        for session in self._sessions.values():
            students.setdefault(session.name(), []).append(session)
        rows = tuple(self._row(name, sessions) for name, sessions in students.items())
        return Gradebook(tuple(sorted(rows, key=lambda row: row.first)),
                         _class_mistakes(students, self.codes), self.skipped,
                         self.untracked)

    def _row(self, name: str, sessions: list[_Session]) -> Row:
        mistakes: Counter[str] = Counter()
        lessons: dict[str, tuple[int, int]] = {}
        for session in sessions:
            mistakes.update(session.mistakes)
            for lesson, (done, total) in session.steps.items():
                lessons[lesson] = (max(lessons.get(lesson, (0, 0))[0], done), total)
        if self._messages_seen:
            accepted = sum(s.accepted for s in sessions)
            discarded = sum(s.discarded for s in sessions)
        else:  # a log from before message records: the 250s at the dot, the hang-ups
            accepted = sum(s.accepted_replies for s in sessions)
            discarded = sum(s.hung_up_in_data for s in sessions)
        return Row(
            name=name, lessons=tuple((lesson, done, total)
                                     for lesson, (done, total) in lessons.items()),
            first=min(s.first for s in sessions), last=max(s.last for s in sessions),
            sessions=len(sessions), commands=sum(s.commands for s in sessions),
            errors=sum(s.errors for s in sessions),
            mistake=_most_frequent(mistakes, self.codes),
            accepted=accepted, discarded=discarded)


_EVENTS: Final = {"end": Collector._end, "student": Collector._student,
                  "step": Collector._step, "message": Collector._message}


def _class_mistakes(students: Mapping[str, list[_Session]],
                    codes: Mapping[str, int]) -> tuple[ClassMistake, ...]:
    times: Counter[str] = Counter()
    who: Counter[str] = Counter()
    for sessions in students.values():
        mine: Counter[str] = Counter()
        for session in sessions:
            mine.update(session.mistakes)
        times.update(mine)
        who.update(mine.keys())
    ranked = sorted(times, key=lambda key: (-who[key], -times[key], key))
    return tuple(ClassMistake(key, code_of(key, codes), times[key], who[key]) for key in ranked)


def _most_frequent(mistakes: Counter[str],
                   codes: Mapping[str, int]) -> tuple[str, int, int] | None:
    if not mistakes:
        return None
    key, times = mistakes.most_common(1)[0]
    return key, times, code_of(key, codes)


def code_of(key: str, codes: Mapping[str, int]) -> int:
    """The reply code of a catalogue key or of a teacher's rule met in the log."""
    spec = CATALOGUE.get(key)
    return spec.code if spec is not None else codes.get(key, 0)


def collect(records: Iterable[object]) -> Gradebook:
    """The gradebook of ``records`` (parsed JSON lines; None for a line that did not parse)."""
    collector = Collector()
    for record in records:
        collector.take(record)
    return collector.gradebook()


def _written_by_serve(record: Mapping[str, object]) -> bool:
    """The fields the gradebook reads are there, of the types serve writes."""
    if not _text(record, "session") or not _text(record, "client"):
        return False
    event = record.get("event")
    if event is None:
        key, code = _text(record, "key"), record.get("reply_code")
        return key in CATALOGUE or (key.startswith("rule.") and len(key) <= NAME_LIMIT
                                    and type(code) is int and 200 <= code <= 599)
    if event == "step":
        done, total = record.get("done"), record.get("total")
        return bool(_text(record, "lesson") and _text(record, "step")) and (
            type(total) is int and type(done) is int and 0 <= done <= total <= STEP_LIMIT)
    return event in _EVENTS


def _text(record: Mapping[str, object], name: str) -> str:
    value = record.get(name)
    return value if isinstance(value, str) else ""
