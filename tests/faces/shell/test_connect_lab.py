"""``:connect HOST[:PORT]`` (faces/shell/connect.py): a session with a host of the lab's zone,
played in-process on the console's own road: the host's name in the greeting, what its port
demands (25 relays for nobody, 587 STARTTLS then AUTH, 465 TLS from the first byte), and a
clear sentence for a name or port the lab does not have."""

from __future__ import annotations

import io

import trio

from simulator.faces.shell.connect import connect
from simulator.faces.shell.context import ConsoleContext
from simulator.faces.shell.course import on_virtual_clock, play_script
from simulator.faces.shell.detail import Explaining
from simulator.faces.shell.link import ConsoleSettings
from simulator.lessons.scenarios import from_options
from simulator.protocol import Policy
from tests.wording import says

MESSAGE = ["MAIL FROM:<student@example.org>", "RCPT TO:<bob@example.com>", "DATA",
           "Subject: Hi", "", "Hello.", "."]
LOGIN = "AUTH PLAIN AHN0dWRlbnQAc2VjcmV0"


def console(lines: list[str], *, scenario: str = "realistic", lang: str = "en") -> str:
    """The transcript of ``lines`` typed at a console whose server plays ``scenario``."""
    out = io.StringIO()
    settings = ConsoleSettings(lang=lang, policy=Policy(scenario=from_options(scenario)))
    ctx = ConsoleContext(settings, out, told=Explaining(detail="none"))
    on_virtual_clock(lambda: play_script(ctx, lines))
    return out.getvalue()


def test_a_known_name_is_played_with_its_name_in_the_greeting() -> None:
    out = console([":connect mx1.campus.example", "EHLO client.example",
                   "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@campus.example>"])
    assert says(out, "console.connect-lab-25", host="mx1.campus.example", port=25)
    assert "<-  220 mx1.campus.example ESMTP" in out
    assert "<-  250 2.1.5 Recipient <bob@campus.example> OK" in out  # its own domain


def test_reconnect_stays_with_the_host() -> None:
    out = console([":connect mx2.campus.example", ":reconnect"])
    assert out.count("<-  220 mx2.campus.example ESMTP") == 2


def test_an_unknown_name_says_it_is_not_in_the_zone_and_keeps_the_session() -> None:
    out = console([":connect nowhere.example", "NOOP"])
    assert says(out, "console.connect-unknown", host="nowhere.example")
    assert "<-  250 2.0.0" in out.split(":connect nowhere.example")[1]  # still connected
    domain = console([":connect campus.example"])
    assert says(domain, "console.connect-no-address", host="campus.example")


def test_a_port_the_lab_does_not_serve_is_refused() -> None:
    out = console([":connect smtp.example.org:2525"])
    assert says(out, "console.connect-bad-port", port=2525, host="smtp.example.org")
    assert "<-  220 smtp.example.org" not in out


def test_without_a_zone_there_is_nothing_to_connect_to() -> None:
    out = console([":connect mx1.campus.example"], scenario="strict")
    assert says(out, "console.connect-no-zone")


def test_port_25_relays_for_nobody_without_auth() -> None:
    out = console([":connect smtp.example.org:25", "EHLO client.example", *MESSAGE[:2]])
    assert "<** 554 5.7.1 <bob@example.com>: Relay access denied" in out
    assert "250-STARTTLS" in out and "AUTH" not in out.split("EHLO client.example")[1]


def test_587_wants_starttls_then_auth_then_takes_the_message() -> None:
    out = console([":connect smtp.example.org:587", "EHLO client.example", MESSAGE[0],
                   "STARTTLS", "EHLO client.example", MESSAGE[0], LOGIN, *MESSAGE,
                   ":mailbox 1"])
    assert "<** 530 5.7.0 Must issue a STARTTLS command first" in out
    assert "<** 530 5.7.0 Authentication required" in out
    assert "<-  235 2.7.0" in out and "<-  250 2.0.0 OK: message accepted" in out
    assert "by smtp.example.org (smtp-sim) with ESMTPSA" in out


def test_465_is_tls_before_the_greeting_then_auth() -> None:
    out = console([":connect smtp.example.org:465", "EHLO client.example", MESSAGE[0], LOGIN,
                   *MESSAGE, ":mailbox 1"], lang="zh")
    assert says(out, "console.connect-lab-465", "zh", host="smtp.example.org", port=465)
    ehlo = out.split(" -> EHLO client.example")[1]
    assert "250-AUTH PLAIN LOGIN" in ehlo and "STARTTLS" not in ehlo.split(" -> ")[0]
    assert says(out.split(" -> EHLO")[0], "tls.established-implicit", "zh")  # handshake first
    assert "<** 530 5.7.0 Authentication required" in out
    assert "by smtp.example.org (smtp-sim, implicit TLS) with ESMTPSA" in out


def test_over_a_real_connection_connect_says_it_plays_only_lab_hosts() -> None:
    out = io.StringIO()
    ctx = ConsoleContext(ConsoleSettings(lang="en", policy=Policy(scenario=from_options("realistic")), connect_to=("127.0.0.1", 2525)), out)
    assert trio.run(connect, ctx, ("mx1.campus.example",)) is False
    assert says(out.getvalue(), "console.connect-remote")
    assert ctx.link.policy.hostname == Policy().hostname  # nothing changed
