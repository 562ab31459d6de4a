"""What ``serve`` writes for a whole class (any ``serve``, not only ``--lesson``): the JSON
Lines log, the line log's extra lines (when a session ends, where a message was stored), and
the class summary at exit.

Client bytes are escaped (:func:`show_bytes`) and credentials masked before they get here
(the class model does that: :mod:`simulator.lessons.classmodel`), so nothing a student sent
can reach a screen or a file raw.
"""

from __future__ import annotations

import datetime
import json
from typing import Final

from simulator.lessons.classmodel.messages import HUNG_UP, MessageRecord
from simulator.lessons.classmodel.model import ClassModel, SessionRecord
from simulator.lessons.classroom import mistake_title, say
from simulator.protocol import Exchange
from simulator.protocol.escape import show_bytes, show_text

SUMMARY_MISTAKES: Final = 5
SUBJECT_LIMIT: Final = 200
"""Characters of a message's Subject a "message" record keeps."""


class _Iso:
    """The JSON time of the newest ``when``: every record of one batch of the log has the
    same ``when`` (one clock reading per batch), so it is formatted once, not per record."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: tuple[datetime.datetime | None, str] = (None, "")
        """The time and its text, one tuple: a thread never reads one without the other."""

    def __call__(self, when: datetime.datetime) -> str:
        last = self.last
        if last[0] is when:
            return last[1]
        text = when.isoformat(timespec="milliseconds")
        self.last = (when, text)
        return text


_iso: Final = _Iso()


def exchange_record(when: datetime.datetime, session_id: str, peer: str,
                    shown: Exchange) -> dict[str, object]:
    """One exchange as a JSON object (``shown`` is already masked)."""
    reply = shown.reply
    return {
        "time": _iso(when),
        "session": session_id,
        "client": peer,
        "command": show_bytes(shown.line) if shown.line else None,
        "reply_code": reply.code,
        "enhanced_code": reply.enhanced,
        "key": reply.key,
        "state": shown.state_after.value,
    }


def end_record(when: datetime.datetime, record: SessionRecord) -> dict[str, object]:
    """A session's end as a JSON object."""
    return {"time": _iso(when), "session": record.session_id,
            "client": record.peer, "event": "end", "how": record.ended,
            "message_discarded": record.discarded}


def json_line(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def end_line(record: SessionRecord, lang: str) -> str:
    """``S3 127.0.0.1:4242  session ended: the client hung up, inside DATA: ...``."""
    fields = {"id": record.session_id, "peer": record.peer}
    if record.ended == "quit":
        text = say(lang, "serve", "ended-quit", **fields)
    elif record.ended == "server":
        text = say(lang, "serve", "ended-server", reply=record.last_reply, **fields)
    else:
        text = say(lang, "serve", "ended-client", **fields)
    return text + (say(lang, "serve", "discarded") if record.discarded else "")


def stored_line(session_id: str, peer: str, queue_id: str, where: str, lang: str) -> str:
    return say(lang, "serve", "stored", id=session_id, peer=peer, queue_id=queue_id,
               path=show_bytes(where.encode("utf-8", errors="surrogateescape")))


def summary_text(model: ClassModel, lang: str) -> str:
    """The class summary: sessions, messages accepted, the most common mistakes."""
    lines = [say(lang, "serve", "summary", sessions=model.total_sessions,
                 accepted=model.accepted)]
    if model.discarded:
        lines.append(say(lang, "serve", "discarded-summary", count=model.discarded))
    mistakes = model.mistakes(SUMMARY_MISTAKES)
    if not mistakes:
        lines.append(say(lang, "serve", "no-mistakes"))
    else:
        lines.append(say(lang, "serve", "mistakes"))
        lines += [say(lang, "serve", "mistake", count=f"{m.count:>4}", key=m.key,
                      title=mistake_title(m.key, m.code, lang)) for m in mistakes]
    return "\n".join(lines) + "\n"


def timestamp(when: datetime.datetime) -> str:
    """The line log's time stamp: local wall-clock time to the second."""
    return when.strftime("%H:%M:%S")


# -- serve --lesson: students, their steps, the messages -----------------------------------

UNFINISHED_LISTED: Final = 10
"""Names of students who did not finish that the summary lists; the rest are counted."""


def _head(when: datetime.datetime, session_id: str, peer: str) -> dict[str, object]:
    return {"time": _iso(when), "session": session_id,
            "client": peer}


def student_record(when: datetime.datetime, record: SessionRecord,
                   lesson: str) -> dict[str, object]:
    """The session became known as a student (a later AUTH: again, by the new name)."""
    return {**_head(when, record.session_id, record.peer), "event": "student",
            "student": record.student, "lesson": lesson, "total": record.steps_total}


def step_record(when: datetime.datetime, record: SessionRecord, lesson: str, step: str,
                done: int) -> dict[str, object]:
    """A step the session's student did."""
    return {**_head(when, record.session_id, record.peer), "event": "step",
            "student": record.student, "lesson": lesson, "step": step, "done": done,
            "total": record.steps_total}


def message_record(when: datetime.datetime, peer: str,
                   message: MessageRecord) -> dict[str, object]:
    """A message accepted at the dot (``stored``: where), refused there, or lost (client
    text escaped; ``reason`` None for a hang-up, which no reply answered)."""
    subject = message.subject
    return {**_head(when, message.session_id, peer), "event": "message",
            "status": "accepted" if message.reason is None else "discarded",
            "from": show_text(message.sender), "to": [show_text(r) for r in message.recipients],
            "subject": None if subject is None else show_text(subject, limit=SUBJECT_LIMIT),
            "size": message.size, "stored": message.stored,
            "reason": None if message.reason == HUNG_UP else message.reason}


def student_line(record: SessionRecord, done: int, lang: str) -> str:
    return say(lang, "serve", "student", id=record.session_id, peer=record.peer,
               student=record.student, done=done, total=record.steps_total)


def step_line(record: SessionRecord, step: str, done: int, lang: str) -> str:
    return say(lang, "serve", "step", id=record.session_id, peer=record.peer,
               student=record.student, step=step, done=done, total=record.steps_total)


def lesson_summary(lesson: str, finished: list[str], unfinished: list[str],
                   lang: str) -> str:
    """How many students finished the lesson, and the first UNFINISHED_LISTED of those
    who did not (the rest counted)."""
    students = len(finished) + len(unfinished)
    if not students:
        return say(lang, "serve", "lesson-nobody", lesson=lesson) + "\n"
    lines = [say(lang, "serve", "lesson-summary", lesson=lesson, finished=len(finished),
                 students=students)]
    if unfinished:
        names = ", ".join(unfinished[:UNFINISHED_LISTED])
        if len(unfinished) > UNFINISHED_LISTED:
            names = say(lang, "serve", "lesson-more", names=names,
                        more=len(unfinished) - UNFINISHED_LISTED)
        lines.append(say(lang, "serve", "lesson-unfinished", names=names))
    return "\n".join(lines) + "\n"
