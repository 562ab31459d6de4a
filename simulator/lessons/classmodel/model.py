"""The class as the instructor sees it: every session and the mistakes they share.

A :class:`ClassModel` is fed what ``serve`` publishes (each Exchange tagged with its session,
and a note when a session ends) with the time handed in, and keeps, per session, the
numbers of the dashboard's table and a bounded transcript; across the class, which error
reply keys were met by which sessions, and the messages (:mod:`.messages`). Pure and
synchronous, like the tutor that observes the same Exchanges: the dashboard and the web
pages draw it (render/), ``serve`` prints its summary at exit, tests feed it by hand; the
lock that lets two threads share it is :mod:`.shared`'s.

Credentials never reach it unmasked: what it keeps and hands back is masked by the engine's
verdict on each line (``Exchange.secret``, see protocol/credentials.py), so an Exchange the
feed dropped (a 334, say) changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, deque
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Protocol

from simulator.protocol import Exchange, State
from simulator.protocol.commands import Hello
from simulator.protocol.credentials import masked
from simulator.protocol.events import SessionEnd, Then
from simulator.protocol.farewell import QUIT_KEYS

from .messages import ClassMessages

TRANSCRIPT_LIMIT: Final = 200
"""Exchanges kept per session (a client can send without end; the screen shows the end)."""
KEPT_TEXT: Final = 64 * 1024
"""Octets of an accepted message's header and of its body a transcript keeps (see kept)."""
SESSION_LIMIT: Final = 2000
"""Sessions kept; past that the oldest closed ones are forgotten (the tallies stay). With
transcripts, at most SESSION_LIMIT x TRANSCRIPT_LIMIT Exchanges are held."""
LISTED: Final = 200
"""Sessions listed per mistake (they are all counted)."""
NOT_MISTAKES: Final = frozenset({
    "session.shutdown", "session.too-many-clients", "data.storage-failed", "data.storage-full",
    "session.hung-up", "fault.closing", "fault.try-again", "fault.mailbox-unavailable",
    "tls.not-available"})
"""Error replies that are the server's doing (shutdown, a failing or full store, the chaos
scenario's seeded faults), not the student's."""
STUCK_MINUTES: Final = 5
"""A student with a lesson step still to do and no new step for this long is marked stuck
(``serve --stuck-minutes`` changes it)."""
STUCK_REPEATS: Final = 3
"""...and so is one who got the same error reply this many times in a row."""
SORTS: Final = ("connected", "activity", "name", "steps", "errors")
"""The orders the sessions table cycles through (the first is the default)."""
_NO_TRANSCRIPT: Final[deque[Exchange]] = deque(maxlen=0)
"""Every record's transcript when none is shown (no dashboard, no web page): holds nothing,
and an empty deque of its own would cost each connection 760 octets."""
_NO_MISTAKES: Final[Mapping[str, int]] = MappingProxyType({})
"""Every record's mistakes until its first (most sessions make none): an empty dict and set
of their own cost each connection 280 octets (tracemalloc, serve with 1000 idle clients)."""


@dataclass(frozen=True, slots=True)
class LessonStep:
    """One step of the lesson ``serve --lesson`` runs, as the dashboard names it."""

    id: str
    goals: Mapping[str, str]
    """The step's goal sentence per language."""


class ServerWarning(Protocol):
    """A warning of the server for the instructor's screen: a UI text key and its fields
    (``simulator.server.notices.Notice`` is one; the model, below the server, names only
    what it reads)."""

    @property
    def key(self) -> str: ...

    @property
    def fields(self) -> Mapping[str, object]: ...


def is_mistake(exchange: Exchange) -> bool:
    """An error reply the student caused (4xx/5xx, except the server's own troubles)."""
    return exchange.reply.code >= 400 and exchange.reply.key not in NOT_MISTAKES


@dataclass(slots=True)
class SessionRecord:
    """One student's session, as the table shows it."""

    session_id: str
    peer: str
    started: float
    helo: str = ""
    state: State = State.CONNECTED
    commands: int = 0
    errors: int = 0
    accepted: int = 0
    last_reply: str = ""
    last_code: int = 0
    last_activity: float = 0.0
    activity: int = 0
    """The model's activity counter when this session last did something (newest = highest)."""
    tls: bool = False
    auth: bool = False
    closed: bool = False
    ended: str = ""
    """How it ended: ``quit``, ``server`` (a 421 or the like), ``client`` (hung up)."""
    discarded: bool = False
    """It ended inside DATA: the message being sent was thrown away."""
    last_key: str = ""
    """The reply key of the last reply (the table shows its short title)."""
    repeats: int = 0
    """How many times in a row the last reply was the same error (0: the last was no error)."""
    repeated: str = ""
    """That error's reply key."""
    mistake_steps: Set[tuple[str, int]] = frozenset()
    """(reply key, lesson step) pairs this session met (each counted once per step)."""
    transcript: deque[Exchange] = field(default_factory=lambda: deque(maxlen=TRANSCRIPT_LIMIT))
    mistakes: Mapping[str, int] = field(default_factory=lambda: _NO_MISTAKES)
    """How many times this session met each error reply key."""
    student: str = ""
    """Who the lesson knows this session as: the AUTH user, else the HELO name ("" before
    either)."""
    steps_done: tuple[str, ...] = ()
    """The ids of the lesson's steps this student has done, in the order they were ticked."""
    steps_total: int = 0
    """How many steps the lesson has (0: serve runs no lesson)."""
    last_step: float = 0.0
    """The model's time (monotonic) of the last tick, or of the session's start."""

    @property
    def number(self) -> int:
        digits = self.session_id.lstrip("S")
        return int(digits) if digits.isdigit() else 0


@dataclass(frozen=True, slots=True)
class Mistake:
    """One error reply key across the class."""

    key: str
    code: int
    sessions: tuple[str, ...]
    """The sessions that met it, in the order they first did (the first LISTED of them)."""
    times: int
    count: int
    """How many sessions met it."""
    steps: tuple[int, ...] = ()
    """The lesson steps (1 = the first) the students were on when they met it."""


@dataclass(slots=True)
class _Tally:
    code: int
    sessions: list[str] = field(default_factory=list)
    count: int = 0
    times: int = 0
    by_step: dict[int, _Tally] = field(default_factory=dict)


class ClassModel:
    """Every session of the class, and the class's mistakes."""

    def __init__(self, *, transcripts: bool = True) -> None:
        self.transcripts = transcripts
        """Keep each session's Exchanges (the dashboard shows them; the summary does not)."""
        self.sessions: dict[str, SessionRecord] = {}
        self.total_sessions = 0
        self.accepted = 0
        self.dropped = 0
        self.warning: ServerWarning | None = None
        """The server's newest warning (serve's notices sink, while the dashboard runs)."""
        self.warnings = 0
        """How many warnings the server gave while the dashboard ran."""
        self.activity = 0
        self.discarded = 0
        """Messages thrown away because their client hung up inside DATA."""
        self.stuck_minutes: int | None = None
        """``--stuck-minutes`` (None: STUCK_MINUTES; 0: time alone never marks anyone)."""
        self.lesson_steps: tuple[LessonStep, ...] = ()
        """The lesson's steps in order (serve --lesson sets them; empty: only the counts)."""
        self.messages = ClassMessages()
        self.clock = ""
        """The wall-clock time (HH:MM:SS) of what is being fed (the feeder sets it)."""
        self._tallies: dict[str, _Tally] = {}
        self._closed: OrderedDict[str, None] = OrderedDict()
        """The closed sessions still listed, the first closed first: the first to forget."""

    def observe(self, session_id: str, peer: str, exchange: Exchange, now: float) -> Exchange:
        """Take one Exchange of a session; the Exchange as it may be shown (masked)."""
        record = self._record(session_id, peer, now)
        shown = masked(exchange)
        if self.transcripts:
            record.transcript.append(kept(shown))
        self.activity += 1
        record.activity, record.last_activity = self.activity, now
        record.state = exchange.state_after
        reply = exchange.reply
        record.last_code = reply.code
        record.last_reply = reply.last_wire_line()
        record.last_key = reply.key
        if exchange.line:
            record.commands += 1
        self._note_progress(record, exchange)
        self.messages.observe(session_id, who(record), exchange, self.clock)
        _note_repeats(record, exchange)
        if is_mistake(exchange):
            self._note_mistake(record, exchange)
        if exchange.then is Then.CLOSE:
            self._close(record)
            record.ended = record.ended or ("quit" if reply.key in QUIT_KEYS else "server")
        return shown

    def _record(self, session_id: str, peer: str, now: float) -> SessionRecord:
        record = self.sessions.get(session_id)
        if record is None:
            record = SessionRecord(session_id, peer, started=now, last_activity=now,
                                   last_step=now, transcript=deque(maxlen=TRANSCRIPT_LIMIT)
                                   if self.transcripts else _NO_TRANSCRIPT)
            self.sessions[session_id] = record
            self.total_sessions += 1
            self._forget_old()
        return record

    def _note_progress(self, record: SessionRecord, exchange: Exchange) -> None:
        reply = exchange.reply
        if exchange.message is not None and reply.code == 250:
            record.accepted += 1
            self.accepted += 1
        if isinstance(exchange.command, Hello) and reply.code == 250:
            record.helo = exchange.command.domain
        if reply.code == 220 and exchange.line:  # 220 to a command: STARTTLS went ahead
            record.tls = True
        if reply.code == 235:  # RFC 4954: authentication succeeded
            record.auth = True

    def _note_mistake(self, record: SessionRecord, exchange: Exchange) -> None:
        key = exchange.reply.key
        record.errors += 1
        tally = self._tallies.setdefault(key, _Tally(exchange.reply.code))
        tally.times += 1
        if key not in record.mistakes:  # this session's first time
            tally.count += 1
            if len(tally.sessions) < LISTED:
                tally.sessions.append(record.session_id)
        step = self.step_on(record)
        if step:
            at_step = tally.by_step.setdefault(step, _Tally(exchange.reply.code))
            at_step.times += 1
            if (key, step) not in record.mistake_steps:
                steps = record.mistake_steps if isinstance(record.mistake_steps, set) else set()
                steps.add((key, step))
                record.mistake_steps = steps
                at_step.count += 1
                if len(at_step.sessions) < LISTED:
                    at_step.sessions.append(record.session_id)
        mistakes = record.mistakes if isinstance(record.mistakes, dict) else {}
        mistakes[key] = mistakes.get(key, 0) + 1
        record.mistakes = mistakes

    def step_on(self, record: SessionRecord) -> int:
        """The lesson step (1 = the first) the student is on: the first not yet done, in the
        lesson's order; 0 without a lesson or with every step done."""
        done = set(record.steps_done)
        if self.lesson_steps:
            return next((n for n, step in enumerate(self.lesson_steps, 1)
                         if step.id not in done), 0)
        return len(done) + 1 if len(done) < record.steps_total else 0

    def stuck(self, record: SessionRecord, now: float) -> bool:
        """A student with steps left who made no step for STUCK_MINUTES, or who got the
        same error STUCK_REPEATS times in a row."""
        if record.closed or len(record.steps_done) >= record.steps_total:
            return False  # no lesson (0 steps), or every step done
        minutes = STUCK_MINUTES if self.stuck_minutes is None else self.stuck_minutes
        return ((minutes > 0 and now - record.last_step >= minutes * 60)
                or record.repeats >= STUCK_REPEATS)

    def ended(self, end: SessionEnd, now: float) -> SessionRecord:
        """A session is over: how (from what it last said) and whether a message was lost."""
        record = self._record(end.session_id, end.peer, now)
        lost = False  # the client hung up inside DATA
        if not record.closed:
            self._close(record)
            record.ended = "server" if end.state is State.CLOSED else "client"
            lost = record.discarded = end.state is State.DATA
            self.discarded += lost
        self.messages.ended(record.session_id, who(record), lost, self.clock)
        record.state = State.CLOSED
        self.activity += 1
        record.activity, record.last_activity = self.activity, now
        return record

    def clear_closed(self) -> int:
        """Forget the closed sessions' rows (the class tallies keep them); how many went."""
        gone = len(self._closed)
        for sid in self._closed:
            del self.sessions[sid]
        self._closed.clear()
        return gone

    def _close(self, record: SessionRecord) -> None:
        record.closed = True
        self._closed[record.session_id] = None

    def _forget_old(self) -> None:
        """Past SESSION_LIMIT, forget the sessions closed first: each new session forgets
        at most one (O(1); scanning the open ones each time was a quarter of serve's log
        thread under load, py-spy)."""
        while len(self.sessions) > SESSION_LIMIT and self._closed:
            sid, _ = self._closed.popitem(last=False)
            del self.sessions[sid]

    def mistakes(self, limit: int | None = None, *, step: int = 0) -> list[Mistake]:
        """Error keys by how many sessions met them (then how often), most first; with
        ``step``, only what students met while on that lesson step."""
        tallies = ((key, t.by_step.get(step) if step else t, t) for key, t in self._tallies.items())
        found = [Mistake(key, t.code, tuple(t.sessions), t.times, t.count,
                         tuple(sorted(whole.by_step)))
                 for key, t, whole in tallies if t is not None]
        found.sort(key=lambda m: (-m.count, -m.times, m.key))
        return found[:limit] if limit is not None else found

    @property
    def open_sessions(self) -> int:
        return sum(not record.closed for record in self.sessions.values())

    def rows(self, *, text: str = "", errors_only: bool = False,
             sort: str = SORTS[0]) -> list[SessionRecord]:
        """The table's sessions in the order ``sort`` names (see SORTS), filtered by address,
        HELO name or student name."""
        wanted = text.lower()
        found = [record for record in sorted(self.sessions.values(), key=lambda r: r.number)
                 if (not errors_only or record.errors)
                 and (not wanted or wanted in record.peer.lower()
                      or wanted in record.helo.lower() or wanted in record.student.lower())]
        orders = {"activity": lambda r: (-r.activity,),
                  "name": lambda r: (who(r).lower(),),
                  "steps": lambda r: (len(r.steps_done), -r.errors),
                  "errors": lambda r: (-r.errors,)}
        if sort in orders:
            found.sort(key=orders[sort])  # stable: ties stay in connection order
        return found

    def newest(self) -> SessionRecord | None:
        """The session with the most recent activity."""
        return max(self.sessions.values(), key=lambda r: r.activity, default=None)


def who(record: SessionRecord) -> str:
    """A session as the class knows it: the student's name, else the HELO name, else the
    client's address (client text: the screen escapes it)."""
    return record.student or record.helo or record.peer


def _note_repeats(record: SessionRecord, exchange: Exchange) -> None:
    """Count the same error reply in a row (what a stuck student keeps getting)."""
    key = exchange.reply.key
    if not is_mistake(exchange):
        record.repeats, record.repeated = 0, ""
    elif key == record.repeated:
        record.repeats += 1
    else:
        record.repeats, record.repeated = 1, key


def kept(exchange: Exchange) -> Exchange:
    """``exchange`` with at most :data:`KEPT_TEXT` octets of its message's header and of its
    body: the transcripts hold 200 Exchanges of up to 2,000 sessions, and whole messages of
    up to 10 MiB filled the memory (with --maildir, 60 messages of 5 MB grew the server by
    315 MB, measured). A transcript reads the content only for the notes on undeclared 8-bit
    text, so a part whose 8-bit octets were cut off keeps one in their place."""
    message = exchange.message
    if message is None or len(message.content) <= 2 * KEPT_TEXT:
        return exchange
    head, separator, body = message.content.partition(b"\r\n\r\n")
    content = _cut(head) + separator + _cut(body)
    return dataclasses.replace(exchange, message=dataclasses.replace(message, content=content))


def _cut(part: bytes) -> bytes:
    kept = part[:KEPT_TEXT]
    return kept + b"\x80" if kept.isascii() and not part.isascii() else kept
