"""The course as data: lessons, their steps and the checks that tick them (frozen dataclasses).

A check reads only what the server produced (the Exchange): the reply key, code, enhanced code,
the states before and after, the command it parsed, and the message it accepted. Nothing about
*how* the learner typed it is required, so any correct way of reaching a goal counts.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.protocol import State
from simulator.protocol.auth import Account


class Scope(enum.Enum):
    """How long a met goal stays met, and what its counter counts."""

    LESSON = "lesson"
    """Once met, met for the rest of the lesson."""
    SESSION = "session"
    """Its count (``count = 2``) is of matches within one session: a new greeting resets it."""
    TRANSACTION = "transaction"
    """Undone when the transaction is thrown away (RSET, HELO/EHLO, QUIT, a closed session)
    before a message is accepted; kept once a message completes it."""


@dataclass(frozen=True, slots=True)
class AddressRef:
    """An address a check names: exactly one of a literal address, a class of addresses the
    lesson's scenario defines (``local``, ``foreign``, ``known``, ``unknown``, ``greylisted``...,
    see :mod:`.addresses`), or the address an earlier step saw (``step``)."""

    literal: str | None = None
    kind: str | None = None
    """An address class (``class = "foreign"`` in the lesson file)."""
    step: str | None = None
    """The id of an earlier step: the address its command named (the step must be met)."""


@dataclass(frozen=True, slots=True)
class MessageCheck:
    """What the accepted message must hold (all given fields must hold)."""

    header: str | None = None
    """A header field with this name (case-insensitive) in the message's header section."""
    body: bool = False
    """An empty line after the header section, then a body that is not empty."""
    body_line_starts: str | None = None
    """A body line that begins with this text (after the server's dot-unstuffing)."""
    body_contains: str | None = None
    utf8: bool = False
    """The content holds non-ASCII (UTF-8) text."""
    recipients: int | None = None
    """Exactly this many recipients in the envelope."""
    recipient: AddressRef | None = None
    """An address of this kind among the envelope's recipients."""
    not_recipient: AddressRef | None = None
    """No address of this kind among the envelope's recipients."""
    sender_domain: str | None = None
    body_type: str | None = None
    """The BODY= the sender declared (``8BITMIME``)."""
    smtputf8: bool = False
    declared_8bit: bool = False
    """Its 8-bit content was declared: BODY=8BITMIME (RFC 6152 §3) or SMTPUTF8, which implies
    it (RFC 6531 §3.1)."""
    tls: bool = False
    """It came over TLS: the server's Received: line says ESMTPS or ESMTPSA (RFC 3848)."""
    starttls: bool = False
    """It came over TLS begun with STARTTLS (RFC 3207), as on port 587: TLS, and not implicit."""
    implicit_tls: bool = False
    """It came over implicit TLS (RFC 8314 §3.3, port 465): the server's Received: comment."""
    authenticated: bool = False
    """The client had logged in with AUTH: the Received: protocol ends in A (RFC 3848)."""
    best_mx: bool = False
    """The server that accepted it is a best MX of every recipient's domain: its name (the
    Received: line's ``by``) is among the lowest-preference MX hosts in the scenario's zone
    (RFC 5321 §5.1). A backup MX accepts too, as real ones do, but does not count."""

    header_text: str | None = None
    """How its header carries text beyond ASCII: ``8bit-undeclared`` (raw UTF-8 although
    MAIL FROM did not say SMTPUTF8, which RFC 6532 §3 requires for it) or ``encoded-word``
    (all ASCII, with an RFC 2047 encoded-word that decodes to non-ASCII text)."""
    bcc: bool = False
    """An envelope recipient that no To: or Cc: field names: a blind copy (RFC 5322 §3.6.3)."""
    named_not_sent: bool = False
    """A To: or Cc: address that is no envelope recipient: named, never sent to."""
    returnable: bool = False
    """MAIL FROM named an address, not the null reverse-path <>: a failure found after the
    250 can come back to it as a bounce (RFC 5321 §4.5.5, §6.1: a bounce is never sent to <>)."""
    spf: str | None = None
    """The receiver's SPF verdict on MAIL FROM (RFC 7208 §2.6): ``pass``, ``softfail``..."""
    dkim: str | None = None
    """DKIM's verdict (RFC 6376): ``pass`` when a signature verified, ``fail``, ``none``."""
    dmarc: str | None = None
    """DMARC's verdict on the From: domain (RFC 7489): ``pass``, ``fail``, ``none``."""
    bare_lf: bool | None = None
    """True: some line of its text ended with a bare LF that the server read as CRLF (an
    ``accept_bare_lf`` setup); False: every line ended with CRLF."""


@dataclass(frozen=True, slots=True)
class Check:
    """One declarative test of an Exchange; every field given must hold."""

    keys: tuple[str, ...] = ()
    """One of these reply keys (``rcpt.accepted``...)."""
    code: int | None = None
    enhanced: str | None = None
    verb: str | None = None
    """The first word of the client's line (``EHLO``; ``.`` for the end of the message)."""
    parameter: str | None = None
    """A MAIL FROM parameter the server parsed: ``SIZE``, ``BODY`` or ``SMTPUTF8``."""
    without: str | None = None
    """A MAIL FROM parameter that must not be in force: not on this MAIL FROM, nor on the one
    that opened the transaction a RCPT TO, DATA or message belongs to (``SMTPUTF8``)."""
    state_before: State | None = None
    state_after: State | None = None
    min_lines: int | None = None
    """At least this many reply lines (a multi-line 250 to EHLO)."""
    closes: bool | None = None
    pipelined: bool | None = None
    """True: the client sent its next line before this reply came, without waiting for it
    (RFC 2920: pipelining, the server's driver sees it as more input in the same read).
    False: the client waited for this reply before sending more (a 354 before the text)."""
    in_group: bool | None = None
    """True: this line came in the same write as the command before it (that command's reply
    found it sent already: the end of a pipelined group, RFC 2920 §3.1). False: it came on its
    own, after the reply before it."""
    host: str | None = None
    """The server that answered is this host (case-insensitive): the name its greeting gave,
    as ``:connect HOST`` plays a lab host."""
    address: AddressRef | None = None
    """The address the command named (MAIL's sender, RCPT's recipient) is of this kind."""
    same: str | None = None
    """The same command as an earlier step (its id) saw: the same verb and, for MAIL and
    RCPT, the same parameters (the step must be met)."""
    message: MessageCheck | None = None
    """An accepted message that holds all of this (implies the exchange accepted one)."""


@dataclass(frozen=True, slots=True)
class Quiz:
    """A step that teaches reading rather than sending (``kind = "quiz"``): the learner
    answers its question with ``:answer TEXT``, compared with :attr:`answers` normalized
    (case, surrounding space, ``<>`` around an address; see :mod:`.quiz`)."""

    answers: tuple[str, ...]
    enhanced_optional: bool = False
    """An answer ``550 5.1.1`` also accepts the bare code ``550``."""


@dataclass(frozen=True, slots=True)
class Goal:
    """One step of a lesson: what must happen, how often, after which other steps."""

    id: str
    check: Check
    after: tuple[str, ...] = ()
    """Steps that must already be met ("then" ordering)."""
    count: int = 1
    scope: Scope = Scope.LESSON
    quiz: Quiz | None = None
    """A quiz step: met by a right ``:answer``, never by a reply (its check is empty)."""
    despite: Check | None = None
    """A failure the learner must meet first: the step counts only after an earlier
    Exchange held this check (the refusal), so "got the message through despite it"."""


@dataclass(frozen=True, slots=True)
class StepText:
    """A step's words in one language: the goal and its hints (a nudge, a pointer, the line)."""

    goal: str
    hints: tuple[str, ...]
    react: Mapping[str, str] = field(default_factory=dict)
    """A hint that fits what the learner just did, by the reply key they last got
    (``auth.username-challenge``: they chose LOGIN); ``:hint`` shows it first. For a quiz
    step, by a known wrong answer: shown when the learner gives it."""
    question: str = ""
    """A quiz step's question (shown under its goal while it is the current step)."""


@dataclass(frozen=True, slots=True)
class LessonText:
    """A lesson's words in one language."""

    title: str
    intro: str
    summary: str
    steps: Mapping[str, StepText]


@dataclass(frozen=True, slots=True)
class Setup:
    """The server the lesson runs against. Fields the engine cannot provide yet make the
    lesson unavailable (:attr:`Lesson.needs`), never silently different."""

    max_size: int | None = None
    max_recipients: int | None = None
    idle_timeout: float | None = None
    accept_bare_lf: bool = False
    scenario: str = "strict"
    tls: str | None = None
    """``offered`` or ``required`` (STARTTLS)."""
    auth: tuple[Account, ...] = ()
    """AUTH accounts: user, password, and optionally an app password, the provider style
    refusing the web password, and the addresses (aliases) it owns besides its name."""
    greylist_delay: float | None = None
    sender_login_match: bool = False
    """MAIL FROM must be an address the logged-in account owns (553 5.7.1; senders.py)."""
    required_headers: tuple[str, ...] = ()
    """Header fields every message must carry (From, Date, Message-ID): 550 5.7.1 else."""
    rate_limit: int | None = None
    """Messages a minute the scenario's rate limit allows (its ``rate_limited`` rules)."""
    detail: str | None = None
    """The console's ``:detail`` the lesson starts with (``none``: no explanation until the
    learner asks with :more, :explain or explain); None keeps the learner's own."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """Command lines (with ``#`` narration and ``:eol``/``:pause``/``:reconnect``)."""

    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lesson:
    number: int
    """The file's number (``NN`` of ``NN-ID.toml``): the author's name for the file, which
    keeps the file names unique; it is not the order the learner meets the lessons in."""
    id: str
    path: str
    """The file it was read from (for messages that name file and field)."""
    setup: Setup
    goals: tuple[Goal, ...]
    solution: Attempt
    wrong: tuple[Attempt, ...]
    texts: Mapping[str, LessonText]
    needs: tuple[str, ...] = field(default=())
    """What the engine lacks for this lesson (``realistic``, ``tls``...): empty when it runs."""
    more_solutions: tuple[Attempt, ...] = field(default=())
    """Other correct ways, as learners take them (``solutions`` in the file)."""
    place: int = 0
    """The lesson's number as the learner reads it: its place in course order (the
    sequences', 1 = the first), set when the course is loaded; 0 outside a course. Every
    face says and takes this one, so "Lesson 7 complete ... Next: lesson 8" holds however
    the files are numbered."""

    @property
    def solutions(self) -> tuple[Attempt, ...]:
        """Every correct way the lesson carries: the reference solution first."""
        return (self.solution, *self.more_solutions)

    @property
    def available(self) -> bool:
        return not self.needs

    def text(self, lang: str) -> LessonText:
        return self.texts.get(lang) or next(iter(self.texts.values()))

    def goal(self, goal_id: str) -> Goal:
        return next(goal for goal in self.goals if goal.id == goal_id)

    def index(self, goal_id: str) -> int:
        """The step's number as the learner reads it (1 = the first)."""
        return next(i for i, goal in enumerate(self.goals, 1) if goal.id == goal_id)


@dataclass(frozen=True, slots=True)
class CourseSequence:
    """A run of lessons under one title (``sequences.toml``), as learngitbranching groups its
    levels: the course is its sequences in order."""

    id: str
    lessons: tuple[str, ...]
    """Lesson ids, in the order a learner takes them (empty: every lesson, by number)."""
    titles: Mapping[str, str]
    summaries: Mapping[str, str]

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or next(iter(self.titles.values()))

    def summary(self, lang: str) -> str:
        return self.summaries.get(lang) or next(iter(self.summaries.values()))

    def holds(self, lesson: Lesson) -> bool:
        return not self.lessons or lesson.id in self.lessons


@dataclass(frozen=True, slots=True)
class Course:
    """Every lesson of a course folder, in course order (the sequences'), and the problems
    found reading it."""

    root: str
    lessons: tuple[Lesson, ...]
    problems: tuple[str, ...] = ()
    sequences: tuple[CourseSequence, ...] = ()
    """The course's sequences, in order (one for a folder without ``sequences.toml``)."""

    def sequence_of(self, lesson: Lesson) -> CourseSequence | None:
        """The first sequence holding ``lesson`` (None when it is in none)."""
        return next((sequence for sequence in self.sequences if sequence.holds(lesson)), None)

    @property
    def available(self) -> tuple[Lesson, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.available)

    def find(self, wanted: str, *, include_unavailable: bool = False) -> Lesson | None:
        """A lesson by id or by the number a learner reads (its ``place``)."""
        pool = self.lessons if include_unavailable else self.available
        for lesson in pool:
            if wanted in (lesson.id, str(lesson.place), f"{lesson.place:02d}"):
                return lesson
        return None
