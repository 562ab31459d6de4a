"""Scenarios through the driver: greylisting across sessions, rate limits, delays and silent
disconnects, on trio's autojump clock (virtual time: nothing here sleeps for real); then the
realistic scenario against real smtplib and swaks."""

from __future__ import annotations

import itertools
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest
import trio
import trio.testing

from simulator.lessons.bounces import read_bounce
from simulator.lessons.scenarios import from_options, load_scenario
from simulator.protocol import Exchange, Policy
from simulator.protocol.memory import Memory
from simulator.protocol.rules import Event, Match, Rule, Scenario
from simulator.server import open_local_session
from simulator.server.store import MaildirStore, MemoryStore
from tests.replies_reader import ReplyReader
from tests.smtp_client import GUARD, read_line, serve_process

REALISTIC = Policy(scenario=load_scenario("realistic"))
GREYLIST = (b"EHLO client.example\r\n", b"MAIL FROM:<ann@client.example>\r\n",
            b"RCPT TO:<greylist@example.com>\r\n")


async def converse(policy: Policy, lines: tuple[bytes, ...], memory: Memory | None = None,
                   ) -> list[bytes]:
    """One session over memory streams: the greeting, then one reply per line."""
    async with open_local_session(policy=policy, memory=memory) as local:
        reader = ReplyReader(local.client)
        replies = [await reader.reply()]
        for line in lines:
            try:
                await local.client.send_all(line)
            except trio.BrokenResourceError:
                break  # the server closed the connection (a 421, a silent disconnect)
            reply = await reader.reply()
            if not reply:
                break  # closed: the line went nowhere
            replies.append(reply)
        return replies


async def test_greylisting_refuses_first_then_accepts_in_a_later_session(
        autojump_clock: trio.testing.MockClock) -> None:
    memory = Memory()
    first = await converse(REALISTIC, GREYLIST, memory)
    assert first[0].startswith(b"220 smtp-sim.localhost ESMTP smtp-sim ready, scenario realistic")
    assert first[-1] == (b"451 4.7.1 <greylist@example.com>: Greylisted, please try again in "
                         b"60 s\r\n")
    await trio.sleep(30)
    early = await converse(REALISTIC, GREYLIST, memory)
    assert early[-1].startswith(b"451 4.7.1 ") and b"in 30 s\r\n" in early[-1]
    await trio.sleep(30)
    assert (await converse(REALISTIC, GREYLIST, memory))[-1] == (
        b"250 2.1.5 Recipient <greylist@example.com> OK\r\n")
    await trio.sleep(3 * 86400)
    assert (await converse(REALISTIC, GREYLIST, memory))[-1].startswith(b"250 ")


async def test_the_greylist_delay_option_and_a_day_without_retry(
        autojump_clock: trio.testing.MockClock) -> None:
    policy = Policy(scenario=from_options("realistic", greylist_delay=5, seed=1))
    memory = Memory()
    assert (await converse(policy, GREYLIST, memory))[-1].startswith(b"451 4.7.1 ")
    await trio.sleep(86400 + 1)  # too late: the first try is forgotten, this is a new one
    assert (await converse(policy, GREYLIST, memory))[-1].startswith(b"451 4.7.1 ")
    await trio.sleep(5)
    assert (await converse(policy, GREYLIST, memory))[-1].startswith(b"250 ")


async def test_over_the_rate_limit_gets_421_and_the_connection_closes(
        autojump_clock: trio.testing.MockClock) -> None:
    policy = Policy(scenario=from_options("realistic", rate_limit=3, seed=1))
    memory = Memory()
    one = (b"EHLO client.example\r\n", b"MAIL FROM:<a@client.example>\r\n")
    assert (await converse(policy, one, memory))[-1].startswith(b"250 2.1.0")
    again = (*one, b"RSET\r\n", one[1], b"RSET\r\n", one[1], b"NOOP\r\n")
    replies = await converse(policy, again, memory)
    assert [reply[:9] for reply in replies[2:]] == [  # messages 2, 3, then 4 of the minute
        b"250 2.1.0", b"250 2.0.0", b"250 2.1.0", b"250 2.0.0", b"421 4.7.0"]  # NOOP: no reply
    assert replies[-1] == (b"421 4.7.0 smtp-sim.localhost too many messages from console "
                           b"(at most 3 a minute), closing connection\r\n")
    await trio.sleep(60)
    assert (await converse(policy, one, memory))[-1].startswith(b"250 2.1.0")


async def test_a_delay_is_waited_by_the_driver_not_the_engine(
        autojump_clock: trio.testing.MockClock) -> None:
    slow = Rule("slow", Event.NOOP, Match(), None, delay=(3.0, 3.0))
    policy = Policy(scenario=Scenario("slow", rules=(slow,)))
    async with open_local_session(policy=policy) as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        start = trio.current_time()
        await local.client.send_all(b"NOOP\r\n")
        assert await reader.reply() == b"250 2.0.0 OK\r\n"
        assert trio.current_time() - start == pytest.approx(3.0)


async def test_a_delayed_final_dot_is_stored_once_after_the_wait(
        autojump_clock: trio.testing.MockClock) -> None:
    slow = Rule("slow", Event.END_OF_DATA, Match(), None, delay=(2.0, 2.0))
    store = MemoryStore()
    policy = Policy(scenario=Scenario("slow", rules=(slow,)))
    async with open_local_session(policy=policy, store=store) as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        await local.client.send_all(b"EHLO c.example\r\nMAIL FROM:<a@b.example>\r\n"
                                    b"RCPT TO:<c@d.example>\r\nDATA\r\n")
        for _ in range(4):
            await reader.reply()
        start = trio.current_time()
        await local.client.send_all(b"Subject: x\r\n\r\nhi\r\n.\r\n")
        assert (await reader.reply()).startswith(b"250 2.0.0 OK: message accepted")
        assert trio.current_time() - start == pytest.approx(2.0)
        assert len(store.messages()) == 1


async def test_a_silent_disconnect_closes_without_a_byte(
        autojump_clock: trio.testing.MockClock) -> None:
    drop = Rule("drop", Event.MAIL, Match(), None, disconnect=True)
    policy = Policy(scenario=Scenario("drop", rules=(drop,)))
    async with open_local_session(policy=policy) as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        await local.client.send_all(b"EHLO c.example\r\n")
        await reader.reply()
        await local.client.send_all(b"MAIL FROM:<a@b.example>\r\n")
        assert await reader.eof()
        assert [e.reply.key for e in _drain(local.exchanges)][-1] == "session.hung-up"


def _drain(channel: trio.MemoryReceiveChannel[Exchange]) -> list[Exchange]:
    out: list[Exchange] = []
    while True:
        try:
            out.append(channel.receive_nowait())
        except (trio.WouldBlock, trio.EndOfChannel):
            return out


async def test_seeded_chaos_replays_identically(autojump_clock: trio.testing.MockClock) -> None:
    lines = (b"EHLO c.example\r\n",) + (b"NOOP\r\n",) * 30

    async def run(seed: int) -> list[bytes]:
        policy = Policy(scenario=from_options("chaos", fault_rate=0.3, seed=seed))
        return await converse(policy, lines)

    first, again, other = await run(5), await run(5), await run(6)
    assert first == again != other
    assert any(not reply.startswith(b"250") for reply in first)


# -- real clients against `smtp-sim serve --scenario realistic` ------------------------------

def smtplib_refusals(port: int) -> dict[str, tuple[int, bytes]]:
    """RCPT TO for each built-in address with smtplib; the server's answer to each."""
    answers: dict[str, tuple[int, bytes]] = {}
    with smtplib.SMTP("127.0.0.1", port, timeout=GUARD) as client:
        client.ehlo("client.example")
        for address in ("bob@example.com", "nobody@example.com", "full@example.org",
                        "busy@example.net", "moved@localhost", "greylist@example.com",
                        "eve@elsewhere.example"):
            client.rset()
            client.mail("ann@client.example")
            answers[address] = client.rcpt(address)
        client.rset()
        client.mail("ann@gmail.com")  # the envelope sender is no DMARC author
        client.rcpt("bob@example.com")
        answers["yahoo"] = client.data(b"From: Ann <ann@yahoo.com>\r\n\r\nHi.\r\n")
        client.mail("ann@client.example")
        client.rcpt("bob@example.com")
        answers["spam"] = client.data(b"Subject: [SPAM] offer\r\n\r\nBuy.\r\n")
        client.mail("ann@client.example")
        client.rcpt("nobody@example.com")
        answers["data"] = client.docmd("DATA")
        client.ehlo("x")
        client.mail("ann@client.example")
        answers["helo"] = client.rcpt("bob@example.com")
    return answers


def test_smtplib_meets_every_realistic_refusal() -> None:
    with serve_process("--scenario", "realistic") as (proc, port):
        assert proc.stdout is not None
        answers = smtplib_refusals(port)
    assert answers == {
        "bob@example.com": (250, b"2.1.5 Recipient <bob@example.com> OK"),
        "nobody@example.com": (550, b"5.1.1 <nobody@example.com>: Recipient address rejected: "
                                    b"User unknown in local recipient table"),
        "full@example.org": (452, b"4.2.2 <full@example.org>: Mailbox full, try again later"),
        "busy@example.net": (450, b"4.2.1 <busy@example.net>: Mailbox busy, try again later"),
        "moved@localhost": (551, b"5.1.6 <moved@localhost>: User not local; please try "
                                 b"<moved@new.localhost>"),
        "greylist@example.com": (451, b"4.7.1 <greylist@example.com>: Greylisted, please try "
                                      b"again in 60 s"),
        "eve@elsewhere.example": (554, b"5.7.1 <eve@elsewhere.example>: Relay access denied"),
        "yahoo": (550, b"5.7.26 Unauthenticated mail with From: yahoo.com is refused: that "
                       b"domain's DMARC policy says reject"),
        "spam": (554, b"5.7.1 Message rejected as spam"),
        "data": (554, b"5.5.1 Error: no valid recipients"),
        "helo": (504, b"5.5.2 <x>: Helo command rejected: need fully-qualified hostname"),
    }


def test_serve_names_the_scenario_and_swaks_sees_greylisting_then_delivery() -> None:
    swaks = ["swaks", "--server", "", "--from", "ann@client.example", "--to",
             "greylist@example.com", "--helo", "client.example", "--timeout", "10"]
    with serve_process("--scenario", "realistic", "--greylist-delay", "0.5") as (proc, port):
        assert read_line(proc).startswith(b"scenario realistic: Realistic: a mail exchanger")
        assert read_line(proc).startswith(b"greylist delay 0.5 s, rate limit 30 messages")
        swaks[2] = f"127.0.0.1:{port}"
        first = subprocess.run(swaks, capture_output=True, timeout=GUARD, check=False)
        assert b"<** 451 4.7.1 <greylist@example.com>: Greylisted" in first.stdout
        assert first.returncode != 0
        # swaks retries, as a real sending server would, until the 0.5 s have passed.
        for _ in range(20):
            retry = subprocess.run(swaks, capture_output=True, timeout=GUARD, check=False)
            if b"Greylisted" not in retry.stdout:
                break
        assert b"<-  250 2.0.0 OK: message accepted" in retry.stdout, retry.stdout


def test_a_bad_scenario_file_stops_serve_and_run_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "r"\non = "rcpt"\nreply = { code = 250, text = "x" }\n')
    for command in (["serve", "--port", "0"], ["run", "-"]):
        result = subprocess.run([sys.executable, "-m", "simulator", *command, "--scenario",
                                 str(bad)], capture_output=True, input=b"NOOP\n",
                                timeout=GUARD, check=False)
        assert result.returncode == 2
        assert result.stdout == b""
        assert (f"{bad}: rule 'r': reply.code: must be a refusal code from 400 to 599, "
                f"not 250").encode() in result.stderr


EVIL = """
[[rule]]
name = "school-senders"
on = "mail"
match = { argument = '<(\\w+\\.?)+@school\\.example>' }
reply = { code = 550, enhanced = "5.7.1", text = "Not from the school" }
"""


async def test_a_bystanders_noop_is_answered_while_a_teachers_regex_is_matched(
        tmp_path: Path) -> None:
    """On the real clock: the teacher's regex runs on the loop every student shares, so
    every moment it takes is a moment no one is answered. Python's re took 38 s here."""
    teacher = tmp_path / "teacher.toml"
    teacher.write_text(EVIL, encoding="utf-8")
    policy = Policy(scenario=load_scenario(str(teacher)))
    async with (open_local_session(policy=policy, session_id="S1") as attacker,
                open_local_session(policy=policy, session_id="S2") as bystander):
        evil, noop = ReplyReader(attacker.client), ReplyReader(bystander.client)
        for reader, local in ((evil, attacker), (noop, bystander)):
            await reader.reply()
            await local.client.send_all(b"EHLO c.example\r\n")
            await reader.reply()
        attacked = trio.Event()

        async def attack() -> None:
            await attacker.client.send_all(b"MAIL FROM:<" + b"a" * 26 + b"@other.example>\r\n")
            assert (await evil.reply()).startswith(b"250 ")
            attacked.set()

        moments = [time.perf_counter()]
        async with trio.open_nursery() as nursery:
            nursery.start_soon(attack)
            while not attacked.is_set() or len(moments) < 3:
                await bystander.client.send_all(b"NOOP\r\n")
                assert (await noop.reply()).startswith(b"250 ")
                moments.append(time.perf_counter())
    longest = max(later - earlier for earlier, later in itertools.pairwise(moments))
    assert longest < 1.0  # generous: a NOOP takes well under a millisecond


LATER_SESSION = (b"EHLO client.example\r\nMAIL FROM:<ann@client.example>\r\n"
                 b"RCPT TO:<gone@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n"
                 b"Subject: lunch\r\n\r\nhi\r\n.\r\n")


@pytest.mark.parametrize("kind", ["memory", "maildir"])
async def test_a_recipient_failing_after_the_250_bounces_into_the_store(
        tmp_path: Path, kind: str) -> None:
    """The realistic scenario accepts gone@ with 250, then reports it failed (RFC 3464),
    as an MX in front of a mail store does; the report lands beside the message."""
    store = MemoryStore() if kind == "memory" else MaildirStore(tmp_path / "Maildir")
    async with open_local_session(policy=REALISTIC, store=store) as local:
        reader = ReplyReader(local.client)
        await reader.reply()
        await local.client.send_all(LATER_SESSION)
        replies = [await reader.reply() for _ in range(6)]
    assert [reply[:3] for reply in replies] == [b"250", b"250", b"250", b"250", b"354", b"250"]
    kept, report = (stored.message for stored in store.messages())
    assert kept.envelope.recipients == ("gone@example.com", "bob@example.com")
    assert (report.envelope.sender, report.envelope.recipients) == ("", ("ann@client.example",))
    bounce = read_bounce(report.content)
    assert [(f.recipient, f.code, f.status, f.remote_mta) for f in bounce.failures] == [
        ("gone@example.com", 550, "5.1.1", "mailstore.internal")]


async def test_no_bounce_for_a_null_sender_or_the_strict_scenario() -> None:
    for policy, session in ((REALISTIC, LATER_SESSION.replace(b"<ann@client.example>", b"<>")),
                            (Policy(), LATER_SESSION)):
        store = MemoryStore()
        async with open_local_session(policy=policy, store=store) as local:
            reader = ReplyReader(local.client)
            await reader.reply()
            await local.client.send_all(session)
            replies = [await reader.reply() for _ in range(6)]
        assert replies[-1].startswith(b"250 2.0.0 OK")
        assert len(store.messages()) == 1
