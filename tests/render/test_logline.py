"""The serve log line: who, what the client sent (escaped), what the server answered."""

from __future__ import annotations

from simulator.protocol import Policy, Session
from simulator.render.logline import format_exchange


def exchanges(data: bytes) -> list[str]:
    session = Session(Policy(), peer="127.0.0.1:5555", session_id="S4")
    lines = [format_exchange("S4", "127.0.0.1:5555", session.greeting())]
    lines += [format_exchange("S4", "127.0.0.1:5555", ex) for ex in session.receive_data(data)]
    return lines


def test_greeting_and_a_command() -> None:
    greeting, noop = exchanges(b"NOOP\r\n")
    assert greeting == ("S4 127.0.0.1:5555  -> (connected)  <- 220 smtp-sim.localhost ESMTP "
                        "smtp-sim ready (a teaching server; no mail leaves)")
    assert noop == "S4 127.0.0.1:5555  -> NOOP  <- 250 2.0.0 OK"


def test_multi_line_reply_shows_its_first_line_and_a_count() -> None:
    _, ehlo = exchanges(b"EHLO client.example\r\n")
    assert ehlo.endswith("<- 250-smtp-sim.localhost Hello client.example, "
                         "pleased to meet you (+6 lines)")


def test_control_characters_from_the_client_are_escaped() -> None:
    _, line = exchanges(b"NOOP \x1b]0;pwned\x07\x9b2J\r\n")
    assert "-> NOOP \\x1b]0;pwned\\x07\\x9b2J  <- " in line
    assert all(ch.isprintable() for ch in line)


def test_an_over_long_line_is_cut_in_the_log() -> None:
    _, line = exchanges(b"NOOP " + b"y" * 700 + b"\r\n")
    shown = line.split("  -> ", 1)[1].split("  <- ", 1)[0]
    assert shown == "NOOP " + "y" * 112 + "..."  # 120 characters in all, the one rule
    assert "<- 500 5.5.2 Line too long" in line


def test_a_cut_never_splits_an_escape() -> None:
    _, line = exchanges(b"NOOP " + b"y" * 110 + b"\x1b" * 10 + b"\r\n")
    shown = line.split("  -> ", 1)[1].split("  <- ", 1)[0]
    assert shown == "NOOP " + "y" * 110 + "..."  # not "...\\x1..." : a whole escape or none


def test_end_of_message_names_its_size() -> None:
    *_, dot = exchanges(b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n"
                        b"DATA\r\nhello\r\n.\r\n")
    assert dot == ("S4 127.0.0.1:5555  -> . (end of message text, 7 octets)  "
                   "<- 250 2.0.0 OK: message accepted as S4-1")


def test_unprompted_replies_say_why() -> None:
    session = Session(Policy(), session_id="S1")
    assert "-> (idle)  <- 421 4.4.2 " in format_exchange("S1", "p", session.timeout())
    session = Session(Policy(), session_id="S1")
    assert format_exchange("S1", "p", session.timeout(too_slow=True)).endswith(
        "-> (too slow)  <- 421 4.4.2 smtp-sim.localhost input arriving too slowly, "
        "closing connection")
    session = Session(Policy(), session_id="S1")
    assert "-> (server stopping)  <- 421 4.3.2 " in format_exchange("S1", "p", session.shutdown())


def test_credentials_never_reach_the_log() -> None:
    import base64

    from simulator.protocol import Policy, Session

    session = Session(Policy(auth=True))
    session.receive_data(b"EHLO client.example\r\n")
    secret = base64.b64encode(b"\0student\0secret")
    exchanges = session.receive_data(b"AUTH PLAIN " + secret + b"\r\nAUTH LOGIN\r\n")
    exchanges += Session(Policy(auth=True)).receive_data(
        b"EHLO c.example\r\nAUTH LOGIN\r\nc3R1ZGVudA==\r\nc2VjcmV0\r\n")
    lines = [format_exchange("S1", "127.0.0.1:1", e) for e in exchanges]
    assert "-> AUTH PLAIN ****  <- 235 2.7.0" in lines[0]
    assert [line.split("  <- ")[0].split("-> ")[1] for line in lines[-2:]] == ["****", "****"]
    joined = "\n".join(lines)
    for credential in (secret.decode(), "c3R1ZGVudA==", "c2VjcmV0", "secret"):
        assert credential not in joined


def test_a_scenario_greeting_delay_and_silent_disconnect_are_logged_plainly() -> None:
    from simulator.protocol.rules import Event, Match, Rule, Scenario

    rules = (Rule("slow", Event.NOOP, Match(), None, delay=(2.5, 2.5)),
             Rule("drop", Event.RSET, Match(), None, disconnect=True))
    session = Session(Policy(scenario=Scenario("test", rules=rules)))
    greeting = format_exchange("S1", "p", session.greeting())
    assert greeting.startswith("S1 p  -> (connected)  <- 220 ")
    [slow] = session.receive_data(b"NOOP\r\n")
    assert format_exchange("S1", "p", slow) == "S1 p  -> NOOP  <- (after 2.5 s) 250 2.0.0 OK"
    [drop] = session.receive_data(b"RSET\r\n")
    assert format_exchange("S1", "p", drop) == (
        "S1 p  -> RSET  <- (nothing: the server closed the connection without a reply)")
