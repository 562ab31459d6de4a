"""Credentials are masked on every screen and file but the learner's own, whatever the
session did and whatever the feed dropped: the engine's verdict, read by every renderer."""

from __future__ import annotations

import base64
import datetime
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.client.connection import Answer, Step
from simulator.lessons.classmodel.model import ClassModel
from simulator.protocol import Exchange, Policy, Session, Then
from simulator.protocol.auth import Account
from simulator.render.dashboard import Choices, table_fragments, transcript_fragments
from simulator.render.demo import client_step_fragments
from simulator.render.lessonlog import exchange_record
from simulator.render.logline import format_exchange
from simulator.render.masking import StepMasker
from simulator.render.transcript import event_json, format_markdown, shared


def b64(data: bytes) -> bytes:
    return base64.b64encode(data)


def auth_lines(kind: int, user: bytes, password: bytes, gap: bytes) -> list[bytes]:
    """One way to log in (or try to): PLAIN or LOGIN, inline or answering the 334s."""
    plain = b64(b"\0" + user + b"\0" + password)
    return [
        [b"AUTH" + gap + b"PLAIN" + gap + plain],
        [b"AUTH PLAIN", plain],
        [b"AUTH LOGIN", b64(user), b64(password)],
        [b"AUTH LOGIN " + b64(user), b64(password)],
        [b"auth login", b64(user), b"*"],
    ][kind]


secret_words = st.text("abcdefghijkmnpqrstuvwxyz23456789", min_size=5, max_size=12).map(
    "Zq9".__add__)
"""Words no explanation or reply holds by chance (a real word could: "undefined")."""
acts = st.lists(st.one_of(
    st.tuples(st.just("auth"), st.integers(0, 4), st.sampled_from([b" ", b"\t", b"  "])),
    st.tuples(st.just("line"), st.sampled_from([b"NOOP", b"EHLO c.example", b"RSET",
                                                 b"STARTTLS", b"QUT"]), st.just(b""))),
    min_size=1, max_size=6)


def sent_writes(plan: list[tuple[str, object, bytes]], user: bytes, password: bytes,
                joins: list[bool], endings: list[bytes]) -> list[bytes]:
    """The session's lines, each with a line ending, grouped into writes (pipelined)."""
    lines = [b"EHLO client.example"]
    for what, detail, gap in plan:
        if what == "auth":
            assert isinstance(detail, int)
            lines += auth_lines(detail, user, password, gap)
        else:
            assert isinstance(detail, bytes)
            lines.append(detail)
    writes: list[bytes] = []
    for index, line in enumerate(lines):
        ended = line + endings[index % len(endings)]
        if writes and joins[index % len(joins)]:
            writes[-1] += ended
        else:
            writes.append(ended)
    return writes


def as_answer(exchange: Exchange) -> Answer:
    reply = exchange.reply
    return Answer(reply.to_bytes(), reply.code, reply.enhanced, reply.lines,
                  exchange.then is Then.CLOSE, exchange)


def everything_others_see(policy: Policy, writes: list[bytes], drops: list[bool]) -> str:
    """serve's line log, --log's JSONL, the dashboard, run's and :save's transcripts, the
    demo's screen: all of it, as text."""
    session = Session(policy, session_id="S1")
    steps = [Step(None, (as_answer(session.greeting()),))]
    steps += [Step(write, tuple(map(as_answer, session.receive_data(write))))
              for write in writes]
    exchanges = [a.exchange for step in steps for a in step.answers if a.exchange]
    kept = [e for i, e in enumerate(exchanges) if not drops[i % len(drops)]]
    model = ClassModel()
    shown = [model.observe("S1", "p", e, 0.0) for e in kept]
    when = datetime.datetime(2026, 1, 1)
    out = [format_exchange("S1", "p", e) for e in kept]  # serve without a lesson
    out += [format_exchange("S1", "p", e) for e in shown]
    out += [json.dumps(exchange_record(when, "S1", "p", e)) for e in shown]
    out.append("".join(t for _, t in table_fragments(model, Choices(), 0.0, 300, 50)))
    record = model.sessions.get("S1")  # None when the feed dropped every Exchange
    out.append("".join(t for _, t in transcript_fragments(record, "en", 300, 2000)))
    out += [format_markdown(steps, "en")]
    out += [json.dumps(event_json(step, "en")) for step in shared(steps)]  # run --format json
    masker = StepMasker()
    out += ["".join(t for _, t in client_step_fragments(step, "zh", explanations=True,
                                                         masker=masker)) for step in steps]
    return "\n".join(out)


@settings(max_examples=40, deadline=None)
@given(user=secret_words, password=secret_words, plan=acts, tls=st.booleans(),
       joins=st.lists(st.booleans(), min_size=1, max_size=8),
       endings=st.lists(st.sampled_from([b"\r\n", b"\r\n", b"\n", b"\r"]), min_size=1,
                        max_size=4),
       drops=st.lists(st.booleans(), min_size=1, max_size=8))
def test_no_credential_reaches_another_screen(user: str, password: str,
                                              plan: list[tuple[str, object, bytes]],
                                              tls: bool, joins: list[bool],
                                              endings: list[bytes], drops: list[bool]) -> None:
    name, word = user.encode(), password.encode()
    policy = Policy(auth=True, tls=tls, accounts=(Account(user, password),),
                    accept_bare_lf=b"\n" in endings)
    text = everything_others_see(policy, sent_writes(plan, name, word, joins, endings), drops)
    for secret in (word, b64(name), b64(word), b64(b"\0" + name + b"\0" + word)):
        assert secret.rstrip(b"=")[:10].decode() not in text


def test_the_one_rule_on_a_remote_server_without_exchanges() -> None:
    """``--connect``: no Exchanges, so the same rule runs on the lines and the codes."""
    def answer(code: int) -> Answer:
        return Answer(f"{code} x\r\n".encode(), code, None, ("x",), False)

    masker = StepMasker()
    login = masker.step(Step(b"AUTH LOGIN\r\nYWxpY2U=\r\naHVudGVy\r\nNOOP\r\n",
                             (answer(334), answer(334), answer(235), answer(250))))
    assert login.sent == b"AUTH LOGIN\r\n****\r\n****\r\nNOOP\r\n"
    refused = masker.step(Step(b"AUTH\tPLAIN\tAGFsaWNl\r\n", (answer(500),)))
    pasted = masker.step(Step(b"AGFsaWNl\r\n", (answer(500),)))
    assert (refused.sent, pasted.sent) == (b"AUTH\tPLAIN\t****\r\n", b"****\r\n")
    data = masker.step(Step(b"DATA\r\n", (answer(354),)))
    text = masker.step(Step(b"AUTH PLAIN in a message\r\nnot a secret\r\n.\r\n",
                            (answer(250),)))
    assert data.sent == b"DATA\r\n" and text.sent == b"AUTH PLAIN in a message\r\nnot a secret\r\n.\r\n"
