"""The engine's rules, as a table of dialogues: what a client sends, what it reads back."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from simulator.protocol import TRANSITIONS, MailFrom, Policy, Session, State, Then, Verb
from simulator.protocol.memory import Memory
from simulator.protocol.readers import Mode
from simulator.protocol.session import READERS
from simulator.protocol.state import Turn, advance
from tests.dialogue import (
    GREETED,
    IN_DATA,
    IN_MAIL,
    IN_RCPT,
    codes,
    first_reply,
    keys,
    send,
    session_after,
    wire,
)

# (setup, line sent, expected code, expected enhanced code, expected key)
DIALOGUES: list[tuple[tuple[bytes, ...], str | bytes, int, str | None, str]] = [
    # commands valid in any state
    ((), "NOOP", 250, "2.0.0", "session.noop"),
    ((), "NOOP anything at all", 250, "2.0.0", "session.noop"),
    (IN_RCPT, "NOOP", 250, "2.0.0", "session.noop"),
    ((), "RSET", 250, "2.0.0", "session.rset"),
    (IN_RCPT, "VRFY bob", 252, "2.0.0", "vrfy.cannot-verify"),
    ((), "VRFY", 501, "5.5.4", "syntax.missing-argument"),
    ((), "EXPN staff", 252, "2.0.0", "expn.disabled"),  # RFC 5321 §7.3: disabled is 252
    (IN_RCPT, "EXPN staff", 252, "2.0.0", "expn.disabled"),
    ((), "EXPN", 501, "5.5.4", "syntax.missing-argument"),
    ((), "HELP", 214, "2.0.0", "help.general"),
    ((), "HELP mail", 214, "2.0.0", "help.command"),
    ((), "HELP FOO", 504, "5.5.4", "help.unknown-topic"),
    (IN_MAIL, "QUIT", 221, "2.0.0", "session.quit"),
]


@pytest.mark.parametrize(("setup", "line", "code", "enhanced", "key"), DIALOGUES,
                         ids=[repr(d[1])[:50] for d in DIALOGUES])
def test_dialogue(setup: tuple[bytes, ...], line: str | bytes, code: int, enhanced: str | None,
                  key: str) -> None:
    assert first_reply(setup, line) == (code, enhanced, key)


def test_greeting_is_220_with_hostname_and_no_enhanced_code() -> None:
    greeting = Session(Policy(hostname="mx.school.test")).greeting()
    assert greeting.reply.to_bytes().startswith(b"220 mx.school.test ESMTP")
    assert greeting.state_after is State.CONNECTED and greeting.then is Then.CONTINUE


URL = "http://192.0.2.7:8025/s/Zq3"


@pytest.mark.parametrize("scenario", [None, "realistic"])
def test_a_watched_session_greets_with_the_address_of_its_page(scenario: str | None) -> None:
    """serve --web: the 220 names the student's page (handed in: the engine knows no web)."""
    from simulator.protocol.rules import Scenario

    policy = Policy(hostname="mx.school.test", scenario=Scenario(scenario or "strict")) \
        if scenario else Policy(hostname="mx.school.test")
    greeting = Session(policy, watch_url=URL).greeting()
    assert greeting.reply.to_bytes() == (b"220 mx.school.test ESMTP smtp-sim ready; "
                                         b"watch this session explained at " + URL.encode() + b"\r\n")
    assert greeting.reply.key == "session.greeting-watch" and greeting.then is Then.CONTINUE


def test_a_rule_at_connect_still_refuses_a_watched_session() -> None:
    from simulator.protocol.rules import CustomReply, Event, Match, Rule, Scenario

    scenario = Scenario("t", rules=(Rule("no", Event.CONNECT, Match(),
                                         CustomReply(554, "5.7.1", "Go away")),))
    greeting = Session(Policy(scenario=scenario), watch_url=URL).greeting()
    assert greeting.reply.code == 554 and greeting.then is Then.CLOSE


def test_ehlo_advertises_exactly_what_the_server_does() -> None:
    reply = send(Session(Policy(max_message_size=5000)), "EHLO client.example")[0].reply
    assert reply.wire_lines()[1:] == ["250-PIPELINING", "250-SIZE 5000", "250-8BITMIME",
                                      "250-ENHANCEDSTATUSCODES", "250-SMTPUTF8", "250 HELP"]


def test_unknown_command_text_names_the_typo() -> None:
    exchanges = send(session_after(), "HELOO there")
    assert wire(exchanges) == b'500 5.5.2 Syntax error: command "HELOO" not recognized\r\n'


def test_full_transaction_and_second_one_on_same_session() -> None:
    session = session_after()
    exchanges = send(session, "EHLO client.example", "MAIL FROM:<a@b.example>",
                     "RCPT TO:<c@d.example>", "RCPT TO:<e@f.example>", "DATA", "Subject: hi",
                     "", "Hello.", ".", "MAIL FROM:<>", "RCPT TO:<c@d.example>", "DATA", "x",
                     ".", "QUIT")
    assert codes(exchanges) == [250, 250, 250, 250, 354, 250, 250, 250, 354, 250, 221]
    first, second = exchanges[5].message, exchanges[9].message
    assert first is not None and second is not None
    assert first.envelope.recipients == ("c@d.example", "e@f.example")
    assert first.content.endswith(b"\r\nSubject: hi\r\n\r\nHello.\r\n")
    assert first.content.startswith(b"Received: from client.example (unknown)\r\n\tby ")
    assert second.envelope.sender == "" and second.queue_id != first.queue_id
    assert exchanges[-1].then is Then.CLOSE and session.state is State.CLOSED
    assert session.messages_accepted == 2


def test_quit_closes_and_later_bytes_are_ignored() -> None:
    session = session_after()
    exchanges = send(session, b"QUIT\r\nNOOP\r\n")
    assert keys(exchanges) == ["session.quit"]
    assert wire(exchanges).startswith(b"221 2.0.0 smtp-sim.localhost ")
    assert session.receive_data(b"NOOP\r\n") == []


def test_helo_again_resets_the_transaction() -> None:
    session = session_after(*IN_RCPT)
    assert codes(send(session, "EHLO again.example", "DATA")) == [250, 503]
    assert session.mail is None and session.recipients == []


def test_rset_keeps_greeting_but_clears_transaction() -> None:
    session = session_after(*IN_RCPT)
    assert codes(send(session, "RSET", "RCPT TO:<x@y.example>", "MAIL FROM:<a@b.example>")) == [
        250, 503, 250]


def test_rset_before_hello_does_not_greet() -> None:
    assert codes(send(session_after(), "RSET", "MAIL FROM:<a@b.example>")) == [250, 503]


def test_failed_command_keeps_state() -> None:
    session = session_after(*IN_MAIL)
    ex = send(session, "RCPT TO:bob")[0]
    assert ex.state_before is ex.state_after is State.MAIL


def test_dot_unstuffing_and_bare_lf_never_ends_data() -> None:
    session = session_after(*IN_DATA)
    assert send(session, b"..leading dot\r\nsmuggle\n.\nMAIL FROM:<x@y.example>\r\n") == []
    exchanges = send(session, ".")
    assert keys(exchanges) == ["data.bare-lf"]
    assert exchanges[0].reply.to_bytes().startswith(b"550 5.5.2 ")
    assert exchanges[0].message is None and session.state is State.GREETED


def test_bare_cr_in_message_is_rejected() -> None:
    session = session_after(*IN_DATA)
    assert keys(send(session, b"a\rb\r\n.\r\n")) == ["data.bare-cr"]


def test_bare_lf_normalized_when_policy_accepts_it() -> None:
    session = session_after(*IN_DATA, policy=Policy(accept_bare_lf=True))
    exchanges = send(session, b"one\ntwo\r\n.\r\n")
    assert keys(exchanges) == ["data.accepted"]
    assert exchanges[0].message is not None
    assert exchanges[0].message.content.endswith(b"\r\none\r\ntwo\r\n")


def test_an_accepted_message_says_whether_a_bare_lf_was_read_as_crlf() -> None:
    """A smuggled "<CRLF>.<LF>MAIL FROM" stays text on a server that normalizes bare LFs, and
    the message says so (Postfix 3.9's smtpd_forbid_bare_newline = normalize)."""
    for text, bare_lf in ((b"Hi\r\n.\nMAIL FROM:<ceo@example.org>\r\n", True),
                          (b"Hi\n.\r\nMAIL FROM:<ceo@example.org>\r\n", True),
                          (b"Hi\r\nMAIL FROM:<ceo@example.org>\r\n", False)):
        session = session_after(*IN_DATA, policy=Policy(accept_bare_lf=True))
        exchanges = send(session, text + b".\r\n")
        assert keys(exchanges) == ["data.accepted"], text
        message = exchanges[0].message
        assert message is not None and message.bare_lf is bare_lf, text
        assert b"\r\nMAIL FROM:<ceo@example.org>\r\n" in message.content
    session = session_after(*IN_DATA, policy=Policy(accept_bare_lf=True))
    exchanges = send(session, b"one\r\n.\r\n")
    assert exchanges[0].message is not None and not exchanges[0].message.bare_lf
    assert keys(send(session, b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
                              b"DATA\r\nplain\r\n.\r\n"))[-1] == "data.accepted"


def test_accepted_bare_lf_lines_are_each_counted_on_their_own() -> None:
    session = session_after(*IN_DATA, policy=Policy(accept_bare_lf=True))
    short_lines = b"a short line of text\n" * 100  # 2100 octets before the first CRLF
    exchanges = send(session, short_lines + b"end\r\n.\r\n")
    assert keys(exchanges) == ["data.accepted"]
    assert exchanges[0].message is not None
    assert exchanges[0].message.content.endswith(b"a short line of text\r\nend\r\n")


def test_an_accepted_bare_lf_line_over_1000_octets_is_still_too_long() -> None:
    for text in (b"x" * 999 + b"\nok\r\n", b"ok\n" + b"y" * 999 + b"\r\n",
                 b"ok\n" + b"z" * 1200 + b"\nok\r\n"):
        session = session_after(*IN_DATA, policy=Policy(accept_bare_lf=True))
        assert keys(send(session, text + b".\r\n")) == ["data.line-too-long"], text[:8]
    session = session_after(*IN_DATA, policy=Policy(accept_bare_lf=True))
    assert keys(send(session, b"x" * 998 + b"\n" + b"y" * 998 + b"\r\n.\r\n")) == [
        "data.accepted"]


def test_an_accepted_bare_lf_before_a_dot_split_over_pieces_never_ends_the_message() -> None:
    session = session_after(*IN_DATA, policy=Policy(accept_bare_lf=True))
    assert send(session, b"w" * 1100 + b"\n") == []  # handed over as a piece: no CRLF yet
    assert send(session, b".\r\n") == []  # a dot after a bare LF is text, not the end
    assert keys(send(session, b".\r\n")) == ["data.line-too-long"]


def test_bare_lf_command_accepted_when_policy_allows() -> None:
    session = session_after(policy=Policy(accept_bare_lf=True))
    assert codes(send(session, b"EHLO nc.example\nNOOP\n")) == [250, 250]
    assert keys(send(session, b"NOOP\rX\r\n"))[0] == "syntax.bare-cr"


def test_text_line_over_1000_octets_is_rejected_after_the_dot() -> None:
    session = session_after(*IN_DATA)
    assert send(session, b"x" * 998 + b"\r\n") == []  # 1000 with CRLF: fine
    assert send(session, b"y" * 999 + b"\r\n") == []  # 1001: too long, but wait for the dot
    exchanges = send(session, ".")
    assert wire(exchanges).startswith(b"550 5.5.2 Message rejected: a text line is longer")
    assert exchanges[0].message is None


def test_exactly_1000_octet_text_line_is_accepted() -> None:
    session = session_after(*IN_DATA)
    exchanges = send(session, b"x" * 998 + b"\r\n.\r\n")
    assert keys(exchanges) == ["data.accepted"]


def test_transparency_dot_does_not_count_towards_the_line_limit() -> None:
    session = session_after(*IN_DATA)
    exchanges = send(session, b".." + b"x" * 997 + b"\r\n.\r\n")  # 998 + CRLF once unstuffed
    assert keys(exchanges) == ["data.accepted"]


def test_message_over_size_limit_rejected_after_dot() -> None:
    session = session_after(*IN_DATA, policy=Policy(max_message_size=100))
    exchanges = send(session, b"z" * 80 + b"\r\n" + b"z" * 80 + b"\r\n.\r\n")
    assert [(e.reply.code, e.reply.enhanced) for e in exchanges] == [(552, "5.3.4")]
    assert "100" in exchanges[0].reply.text


def test_size_counts_the_message_not_the_trace_header() -> None:
    session = session_after(*IN_DATA, policy=Policy(max_message_size=100))
    assert keys(send(session, b"z" * 96 + b"\r\n.\r\n")) == ["data.accepted"]


def test_command_line_of_512_octets_accepted_513_rejected() -> None:
    session = session_after()
    ok = "NOOP " + "x" * (512 - 2 - 5)
    too_long = ok + "x"
    exchanges = send(session, ok, too_long, "NOOP")
    assert codes(exchanges) == [250, 500, 250]
    assert exchanges[1].reply.key == "limits.line-too-long"
    assert len(exchanges[1].line) <= 512


def test_never_ending_line_is_bounded_in_memory() -> None:
    session = session_after()
    for _ in range(1000):
        assert session.receive_data(b"A" * 10_000) == []
    assert session._framer.buffered < 1024
    assert keys(send(session, b"\r\nNOOP\r\n")) == ["limits.line-too-long", "session.noop"]


def test_never_ending_text_line_is_bounded_in_memory() -> None:
    session = session_after(*IN_DATA)
    for _ in range(1000):
        assert session.receive_data(b"B" * 10_000) == []
    assert session._framer.buffered <= 1001 and session._text.kept == 0
    assert keys(send(session, b"\r\n.\r\n")) == ["data.line-too-long"]


def test_error_budget_closes_with_421() -> None:
    session = session_after(policy=Policy(error_budget=3))
    exchanges = send(session, b"X\r\nY\r\nZ\r\nNOOP\r\n")
    assert codes(exchanges) == [500, 500, 500, 421]
    assert exchanges[-1].reply.enhanced == "4.7.0" and exchanges[-1].then is Then.CLOSE


def test_error_budget_zero_disables() -> None:
    session = session_after(policy=Policy(error_budget=0))
    assert codes(send(session, *["X"] * 50, "NOOP"))[-1] == 250


def test_timeout_and_shutdown_close_with_421() -> None:
    timed_out = session_after(*IN_MAIL).timeout()
    assert (timed_out.reply.code, timed_out.reply.enhanced, timed_out.then) == (421, "4.4.2", Then.CLOSE)
    down = session_after().shutdown()
    assert (down.reply.code, down.reply.enhanced, down.then) == (421, "4.3.2", Then.CLOSE)


def test_pipelined_commands_answered_in_order_in_one_batch() -> None:
    session = session_after(*GREETED)
    exchanges = session.receive_data(
        b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nRCPT TO:bad\r\nDATA\r\nhi\r\n.\r\n")
    assert codes(exchanges) == [250, 250, 501, 354, 250]


def test_smtputf8_transaction_allows_utf8_recipient_and_marks_received() -> None:
    session = session_after(*GREETED)
    exchanges = send(session, "MAIL FROM:<用户@例子.中国> SMTPUTF8", "RCPT TO:<李@例子.中国>", "DATA",
                     "hi", ".")
    assert codes(exchanges) == [250, 250, 354, 250]
    message = exchanges[-1].message
    assert message is not None and message.envelope.smtputf8
    assert b"with UTF8SMTP" in message.content


def test_mail_from_parameters_recorded() -> None:
    session = session_after(*GREETED)
    send(session, "MAIL FROM:<a@b.example> SIZE=42 BODY=8BITMIME")
    assert session.mail == MailFrom("a@b.example", size=42, body="8BITMIME")


def test_storage_failure_turns_250_into_451() -> None:
    session = session_after(*IN_DATA)
    accepted = send(session, ".")[0]
    failed = session.storage_failed(accepted)
    assert (failed.reply.code, failed.reply.enhanced) == (451, "4.3.0")
    assert session.messages_accepted == 0


def test_undecodable_bytes_are_echoed_as_hex_escapes() -> None:
    assert wire(send(session_after(), b"FOO\x9b31m\r\n")) == (
        b'500 5.5.2 Syntax error: command "FOO\\x9b31m" not recognized\r\n')


def test_over_long_line_ended_by_bare_cr_same_replies_however_split() -> None:
    data = b"A" * 600 + b"\rNOOP\r\n"
    whole = keys(send(session_after(), data))
    split = keys(send(session_after(), data[:600], data[600:]))
    assert whole == split == ["limits.line-too-long", "session.noop"]


def test_queue_ids_are_not_reused_after_a_storage_failure() -> None:
    session = session_after(*IN_DATA)
    first = send(session, ".")[0]
    session.storage_failed(first)
    again = send(session, "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA", ".")[-1]
    assert first.message is not None and again.message is not None
    assert again.message.queue_id != first.message.queue_id


def test_reply_echo_of_hostile_input_is_escaped() -> None:
    exchanges = send(session_after(), b"\x1b[2J\x1b[31mEVIL\r\n")
    data = wire(exchanges)
    assert b"\x1b" not in data and b"\\x1b[2J" in data




@pytest.mark.parametrize(("setup", "line", "key"), [
    ((), "MAIL FROM:<用户@例子.中国> SMTPUTF8", "mail.accepted-utf8"),
    ((b"MAIL FROM:<a@b.example> SMTPUTF8\r\n",), "RCPT TO:<jörg@例子.中国>", "rcpt.accepted-utf8"),
    ((), "MAIL FROM:<\"Ann\\\\Lee\"@b.example>", "mail.accepted"),
])
def test_a_reply_stays_ascii_and_shows_no_python_escape(setup: tuple[bytes, ...], line: str,
                                                        key: str) -> None:
    """RFC 6531 §3.7.4: no UTF-8 in a reply to MAIL or RCPT, so a UTF-8 address is left out
    rather than echoed as \\u7528 escapes (a backslash the client typed is its own)."""
    session = session_after(*(b"EHLO c.example\r\n", *setup))
    [exchange] = send(session, line)
    raw = wire([exchange])
    assert exchange.reply.code == 250 and exchange.reply.key == key
    assert raw.isascii() and b"\\u" not in raw and b"\\U" not in raw


def test_every_reply_after_the_final_dot_is_one_rfc_5321_allows_there() -> None:
    """RFC 5321 §4.3.2: after the dot only 250, 450, 451, 452, 550, 552 or 554 (no 500)."""
    from simulator.protocol.messagetext import _PROBLEM_ORDER
    from simulator.protocol.replies import CATALOGUE

    after_dot = (*_PROBLEM_ORDER, "data.accepted", "data.storage-failed", "data.storage-full",
                 "data.spam", "data.dmarc-reject")
    assert {key: CATALOGUE[key].code for key in after_dot
            if CATALOGUE[key].code not in (250, 450, 451, 452, 550, 552, 554)} == {}


# -- Exchange.verb: the verb the engine read, even in a line it refused -------------------

VERBS_SEEN: list[tuple[tuple[bytes, ...], str | bytes, str, Verb | None]] = [
    (GREETED, "MAIL FROM:bob@example.org", "syntax.path-no-brackets", Verb.MAIL),  # 501
    (GREETED, "mail from:<bob@>", "syntax.bad-sender-address", Verb.MAIL),
    (GREETED, "MAIL FROM:<a@b.example> SIZE=x", "syntax.bad-parameter-value", Verb.MAIL),
    (IN_MAIL, "RCPT TO:<>", "syntax.null-recipient", Verb.RCPT),
    ((), "RCPT TO:<bob@example.net>", "sequence.need-helo", Verb.RCPT),  # 503
    (GREETED, "DATA now", "sequence.data-before-mail", Verb.DATA),
    (GREETED, "STARTTLS", "syntax.not-implemented", Verb.STARTTLS),  # 502: not offered
    ((), "HELO", "syntax.helo-needs-domain", Verb.HELO),
    (GREETED, "quit", "session.quit", Verb.QUIT),
    ((), "HELOO x", "syntax.unknown-command", None),
    ((), "TURN", "syntax.not-implemented", None),  # a verb this engine does not know
    ((), "Subject: hi", "syntax.text-outside-data", None),
    ((), b"NOOP\n", "syntax.bare-lf", None),  # refused by its framing, before the verb
    (IN_DATA, ".", "data.accepted", Verb.END_OF_DATA),
]


@pytest.mark.parametrize(("setup", "line", "key", "verb"), VERBS_SEEN,
                         ids=[repr(v[1])[:40] for v in VERBS_SEEN])
def test_an_exchange_names_the_verb_the_engine_read(setup: tuple[bytes, ...], line: str | bytes,
                                                   key: str, verb: Verb | None) -> None:
    [exchange] = send(session_after(*setup), line)
    assert (exchange.reply.key, exchange.verb) == (key, verb)


def test_a_refused_command_still_names_its_verb_under_tls_and_auth_gates() -> None:
    policy = Policy(tls=True, auth=True, require_tls=True)
    exchanges = send(session_after(*GREETED, policy=policy), "MAIL FROM:<a@b.example>",
                     "AUTH PLAIN")
    assert [(e.reply.code, e.verb) for e in exchanges] == [(530, Verb.MAIL), (530, Verb.AUTH)]


def test_a_reply_after_a_rule_or_a_storage_failure_keeps_the_verb() -> None:
    session = session_after(*IN_DATA)
    [accepted] = send(session, ".")
    assert session.storage_failed(accepted).verb is Verb.END_OF_DATA


def test_an_auth_answer_is_no_command() -> None:
    policy = Policy(auth=True, tls=False)
    exchanges = send(session_after(*GREETED, policy=policy), "AUTH LOGIN", "dXNlcg==")
    assert [(e.reply.code, e.verb) for e in exchanges] == [(334, Verb.AUTH), (334, None)]


# -- the input modes and the state table --------------------------------------------------


def test_each_input_mode_has_its_reader() -> None:
    assert set(READERS) == set(Mode)


STORIES: list[tuple[Policy, tuple[str | bytes, ...]]] = [
    (Policy(), ("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA",
                "Subject: x", "", "body", ".", "RSET", "HELO c.example", "QUIT")),
    (Policy(), ("MAIL FROM:<a@b.example>", "EHLO c", "DATA", "x" * 600, "QUIT")),
    (Policy(error_budget=2), ("HELOO", "HELOO", "NOOP")),  # 421 after the second error
    (Policy(tls=True), ("EHLO c.example", "STARTTLS")),
    (Policy(auth=True, tls=False), ("EHLO c.example", "AUTH LOGIN", "*", "AUTH PLAIN =")),
]


@pytest.mark.parametrize(("policy", "lines"), STORIES)
def test_every_state_change_is_a_move_of_the_tables(policy: Policy,
                                                    lines: tuple[str | bytes, ...]) -> None:
    session = Session(policy)
    exchanges = [session.greeting(), *send(session, *lines)]
    for e in exchanges:
        if e.state_after is e.state_before:
            continue
        moves = {advance(e.state_before, Turn.CLOSE)}
        if e.verb is not None and (e.state_before, e.verb) in TRANSITIONS:
            moves.add(TRANSITIONS[e.state_before, e.verb])
        assert e.state_after in moves, e
    assert [e.state_before for e in exchanges[1:]] == [e.state_after for e in exchanges[:-1]]


IDLE_SESSION_BYTES = 680
"""What a Session may hold once it has greeted a client that then says nothing (issue 26:
a classroom server keeps hundreds of idle connections; it was about 900 bytes, 615 now)."""


def _no_time() -> float:
    return 0.0


@pytest.mark.parametrize("policy", [Policy(), Policy(tls=True, auth=True)])
def test_an_idle_session_after_its_greeting_is_small(policy: Policy) -> None:
    memory = Memory()
    clients = [(f"192.0.2.{i % 250}:{40000 + i}", f"S{i}") for i in range(200)]
    Session(policy, memory=memory, timer=_no_time).greeting()  # replies built on first use
    sessions: list[Session] = []
    gc.collect()
    tracemalloc.start()
    try:
        for peer, session_id in clients:
            session = Session(policy, peer=peer, session_id=session_id, memory=memory,
                              timer=_no_time)
            assert session.greeting().reply.code == 220
            sessions.append(session)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held / len(sessions) <= IDLE_SESSION_BYTES
    assert [send(session, "NOOP")[0].reply.code for session in sessions[:3]] == [250] * 3


def test_the_plain_greeting_is_one_reply_shared_by_the_sessions_of_a_server() -> None:
    # Made per connection, a burst of clients left 550 octets each in the allocator's pools.
    policy = Policy()
    first, second = (Session(policy, peer=f"127.0.0.1:{port}").greeting() for port in (1, 2))
    assert first.reply is second.reply
    assert first.reply.wire_lines() == [
        "220 smtp-sim.localhost ESMTP smtp-sim ready (a teaching server; no mail leaves)"]
    other = Session(Policy(hostname="mx.school.example")).greeting().reply
    assert other.wire_lines()[0].startswith("220 mx.school.example ESMTP ")
    watched = [Session(policy, watch_url=f"http://127.0.0.1:8080/s/S{n}").greeting().reply
               for n in (1, 2)]
    assert [reply.fact("url") for reply in watched] == [
        "http://127.0.0.1:8080/s/S1", "http://127.0.0.1:8080/s/S2"]
