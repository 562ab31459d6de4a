"""Scenario rules in the engine: each kind of condition and action, built as dataclasses."""

from __future__ import annotations

import random
import re

from hypothesis import given
from hypothesis import strategies as st

from simulator.protocol import Policy, Session, State, Then
from simulator.protocol.patterns import Regex, globs
from simulator.protocol.rules import CustomReply, Event, Facts, Match, Rule, Scenario, decide
from tests.dialogue import GREETED, IN_MAIL, IN_RCPT, codes, keys, send

BLOCKED = CustomReply(550, "5.7.1", "Blocked by policy")


def session(*rules: Rule, setup: tuple[bytes, ...] = GREETED, **settings: object) -> Session:
    scenario = Scenario("test", rules=rules, **settings)  # type: ignore[arg-type]
    s = Session(Policy(scenario=scenario))
    s.greeting()
    for chunk in setup:
        s.receive_data(chunk)
    return s


def rule(on: Event = Event.RCPT, **match: object) -> Rule:
    return Rule("blocked", on, Match(**match), BLOCKED)  # type: ignore[arg-type]


def test_a_custom_reply_refuses_the_command_with_its_rule_key() -> None:
    s = session(rule(address=globs("*@partner.example")), setup=IN_MAIL)
    [refused] = send(s, "RCPT TO:<ann@partner.example>")
    assert refused.reply.to_bytes() == b"550 5.7.1 Blocked by policy\r\n"
    assert refused.reply.key == "rule.blocked"
    assert refused.rule is not None and refused.rule.name == "blocked"
    assert s.state is State.MAIL and s.recipients == []
    [accepted] = send(s, "RCPT TO:<ann@other.example>")
    assert accepted.reply.key == "rcpt.accepted" and accepted.rule is None


def test_globs_are_case_insensitive_and_only_star_and_question_mark_are_special() -> None:
    s = session(Rule("spam", Event.END_OF_DATA, Match(subject=globs("*[spam]*")), BLOCKED),
                setup=(*IN_RCPT, b"DATA\r\n"))
    assert codes(send(s, "Subject: [SPAM] cheap", "", "x", ".")) == [550]
    send(s, "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA")
    assert codes(send(s, "Subject: S", "", "x", ".")) == [250]  # "[spam]" is not a set


def test_a_rule_only_sees_its_own_event() -> None:
    s = session(rule(Event.MAIL))
    assert keys(send(s, "MAIL FROM:<a@b.example>")) == ["rule.blocked"]
    assert keys(send(s, "NOOP")) == ["session.noop"]


def test_any_covers_every_command_but_not_the_connect() -> None:
    s = session(Rule("all", Event.ANY, Match(), BLOCKED), setup=())
    assert s.state is State.CONNECTED
    assert keys(send(s, "NOOP", "EHLO c.example")) == ["rule.all", "rule.all"]


def test_helo_glob_sender_glob_and_argument_regex() -> None:
    s = session(Rule("by-helo", Event.MAIL, Match(helo=globs("*.bad.example")), BLOCKED),
                Rule("by-sender", Event.RCPT, Match(sender=globs("boss@*")), BLOCKED),
                Rule("by-arg", Event.MAIL, Match(argument=Regex.compile("size=9")), BLOCKED),
                setup=(b"EHLO pc.bad.example\r\n",))
    assert keys(send(s, "MAIL FROM:<a@b.example>")) == ["rule.by-helo"]
    send(s, "EHLO good.example")
    assert keys(send(s, "MAIL FROM:<a@b.example> SIZE=99")) == ["rule.by-arg"]
    assert keys(send(s, "MAIL FROM:<boss@b.example>", "RCPT TO:<x@y.example>")) == [
        "mail.accepted", "rule.by-sender"]


def test_body_text_is_found_anywhere_in_the_message() -> None:
    s = session(Rule("word", Event.END_OF_DATA, Match(body=("MAGIC",)), BLOCKED),
                setup=(*IN_RCPT, b"DATA\r\n"))
    assert codes(send(s, "Subject: x", "", "some MAGIC here", ".")) == [550]
    assert s.messages_accepted == 0


def test_nth_counts_the_commands_of_one_kind_in_the_session() -> None:
    s = session(Rule("second", Event.NOOP, Match(nth=2), BLOCKED))
    assert keys(send(s, "NOOP", "NOOP", "NOOP")) == ["session.noop", "rule.second",
                                                     "session.noop"]


def test_chance_draws_from_the_session_generator() -> None:
    half = Rule("coin", Event.NOOP, Match(chance=0.5), BLOCKED)
    runs = [keys(send(Session(Policy(scenario=Scenario(rules=(half,))),
                              rng=random.Random(seed)), *["NOOP"] * 40)) for seed in (1, 1, 2)]
    assert runs[0] == runs[1] != runs[2]
    assert 5 < runs[0].count("rule.coin") < 35


def test_a_catalogue_key_reply_fills_its_fields() -> None:
    s = session(Rule("moved", Event.RCPT, Match(address=globs("moved@*")), "rcpt.user-moved"),
                setup=IN_MAIL)
    [moved] = send(s, "RCPT TO:<moved@example.net>")
    assert moved.reply.to_bytes() == (b"551 5.1.6 <moved@example.net>: User not local; "
                                      b"please try <moved@new.example.net>\r\n")


def test_delay_only_keeps_the_engine_reply_and_asks_the_driver_to_wait() -> None:
    s = session(Rule("slow", Event.NOOP, Match(), None, delay=(3.0, 3.0)))
    [late] = send(s, "NOOP")
    assert late.reply.key == "session.noop" and late.delay == 3.0 and late.then is Then.CONTINUE


def test_a_delay_range_is_drawn_within_its_bounds() -> None:
    s = session(Rule("slow", Event.NOOP, Match(), None, delay=(1.0, 5.0)))
    delays = [e.delay for e in send(s, *["NOOP"] * 30)]
    assert all(1.0 <= d <= 5.0 for d in delays) and len(set(delays)) > 3


def test_disconnect_after_the_reply_and_421_always_closes() -> None:
    s = session(Rule("bye", Event.NOOP, Match(), BLOCKED, disconnect=True))
    [bye] = send(s, "NOOP", "NOOP")
    assert bye.then is Then.CLOSE and not bye.hang_up and s.state is State.CLOSED
    s = session(Rule("busy", Event.NOOP, Match(), CustomReply(421, "4.7.0", "Busy")))
    [busy] = send(s, "NOOP")
    assert busy.then is Then.CLOSE and s.closed


def test_a_silent_disconnect_sends_nothing_and_closes() -> None:
    s = session(Rule("drop", Event.MAIL, Match(), None, disconnect=True))
    [dropped] = send(s, "MAIL FROM:<a@b.example>")
    assert dropped.hang_up and dropped.then is Then.CLOSE and dropped.reply.key == "session.hung-up"
    assert s.mail is None


def test_a_rule_at_connect_replaces_the_greeting_and_closes() -> None:
    scenario = Scenario("test", rules=(Rule("no", Event.CONNECT, Match(),
                                            CustomReply(554, "5.7.1", "Go away")),))
    greeting = Session(Policy(scenario=scenario)).greeting()
    assert greeting.reply.to_bytes() == b"554 5.7.1 Go away\r\n" and greeting.then is Then.CLOSE


def test_rules_come_after_the_engine_checks() -> None:
    s = session(rule(Event.RCPT))
    assert keys(send(s, "RCPT TO:<a@b.example>")) == ["sequence.rcpt-before-mail"]


def test_the_first_matching_rule_decides() -> None:
    first = Rule("first", Event.NOOP, Match(), CustomReply(450, "4.0.0", "First"))
    second = Rule("second", Event.NOOP, Match(), CustomReply(550, "5.0.0", "Second"))
    assert keys(send(session(first, second), "NOOP")) == ["rule.first"]


def test_local_and_fqdn_conditions() -> None:
    relay = Rule("relay", Event.RCPT, Match(local=False), "rcpt.relay-denied")
    fqdn = Rule("fqdn", Event.RCPT, Match(helo_fqdn=False), "rcpt.helo-not-fqdn")
    s = session(fqdn, relay, setup=IN_MAIL, local_domains=("example.com",))
    assert keys(send(s, "RCPT TO:<a@example.com>", "RCPT TO:<a@smtp-sim.localhost>",
                     "RCPT TO:<postmaster>", "RCPT TO:<a@elsewhere.example>")) == [
        "rcpt.accepted", "rcpt.accepted", "rcpt.accepted", "rcpt.relay-denied"]
    s = session(fqdn, relay, setup=(b"EHLO x\r\n", b"MAIL FROM:<a@b.example>\r\n"))
    assert send(s, "RCPT TO:<a@example.com>")[0].reply.to_bytes() == (
        b"504 5.5.2 <x>: Helo command rejected: need fully-qualified hostname\r\n")
    s = session(fqdn, setup=(b"EHLO [192.0.2.1]\r\n", b"MAIL FROM:<a@b.example>\r\n"))
    assert keys(send(s, "RCPT TO:<a@example.com>")) == ["rcpt.accepted"]


def test_an_authenticated_client_may_relay() -> None:
    relay = Rule("relay", Event.RCPT, Match(local=False, authenticated=False),
                 "rcpt.relay-denied")
    s = session(relay, setup=IN_MAIL)
    s.security.user = "student"  # as after a 235 to AUTH
    assert keys(send(s, "RCPT TO:<a@elsewhere.example>")) == ["rcpt.accepted"]


def test_all_recipients_refused_gets_the_rule_at_data_and_none_tried_keeps_503() -> None:
    empty = Rule("empty", Event.DATA, Match(no_valid_recipients=True),
                 "data.no-valid-recipients")
    nobody = Rule("nobody", Event.RCPT, Match(address=globs("nobody@*")), "rcpt.user-unknown")
    s = session(empty, nobody, setup=IN_MAIL)
    assert keys(send(s, "DATA")) == ["sequence.data-before-rcpt"]
    assert keys(send(s, "RCPT TO:<nobody@b.example>", "DATA")) == [
        "rcpt.user-unknown", "data.no-valid-recipients"]
    assert keys(send(s, "RSET", "MAIL FROM:<a@b.example>", "DATA")) == [
        "session.rset", "mail.accepted", "sequence.data-before-rcpt"]




# -- the index: only rules that may match are asked, and the first that holds still decides --

DOMAINS = ("a.example", "B.example", "c.EXAMPLE")
GLOBS = ("*@a.example", "x@B.EXAMPLE", "*@*", "?@c.example", "*x*", "x@a.example",
         "*@c.example", "*.example", "y@*", "X@*", "?@*", "x@*.example")
EVENTS = (Event.MAIL, Event.RCPT, Event.DATA, Event.ANY)


def first_match(rules: tuple[Rule, ...], event: Event, addresses: tuple[str, ...],
                rng: random.Random) -> str | None:
    """Decide the obvious way: every rule in order, globs as regular expressions."""
    def glob(pattern: str, value: str) -> bool:
        parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        return re.fullmatch("".join(parts), value, re.IGNORECASE | re.DOTALL) is not None

    for each in rules:
        if not each.applies_to(event):
            continue
        if each.match.address and not any(glob(g.text, a) for g in each.match.address
                                          for a in addresses):
            continue
        if each.match.chance is not None and not rng.random() < each.match.chance:
            continue
        return each.name
    return None


rule_strategy = st.builds(
    lambda n, on, address, chance: Rule(f"r{n}", on, Match(address=globs(*address),
                                                           chance=chance), BLOCKED),
    st.integers(0, 10**6), st.sampled_from(EVENTS),
    st.lists(st.sampled_from(GLOBS), max_size=3, unique=True),
    st.one_of(st.none(), st.sampled_from((0.0, 0.5, 1.0))))
address_strategy = st.builds(lambda local, domain: f"{local}@{domain}",
                             st.sampled_from(("x", "X", "y", "z")), st.sampled_from(DOMAINS))


@given(st.lists(rule_strategy, max_size=10), st.sampled_from(EVENTS[:3]),
       st.lists(address_strategy, max_size=3), st.integers(0, 3))
def test_the_indexed_decision_is_the_first_rule_in_file_order_that_holds(
        rules: list[Rule], event: Event, addresses: list[str], seed: int) -> None:
    scenario = Scenario("test", rules=tuple(rules))
    facts = Facts(event, address=tuple(addresses))
    indexed, naive = random.Random(seed), random.Random(seed)
    decision = decide(scenario, facts, hostname="h.example", rng=indexed, fields=dict)
    assert (decision and decision.rule.name) == first_match(tuple(rules), event,
                                                            tuple(addresses), naive)
    assert indexed.random() == naive.random()  # the same draws, in the same order


def test_ten_thousand_rules_filed_by_domain_keep_their_order() -> None:
    rules = [Rule(f"d{i}", Event.RCPT, Match(address=globs(f"*@d{i}.example")), BLOCKED)
             for i in range(10_000)]
    rules.insert(5_000, Rule("x", Event.RCPT, Match(address=globs("x@*")), "rcpt.user-unknown"))
    s = session(*rules, setup=IN_MAIL)
    assert keys(send(s, "RCPT TO:<y@D9999.example>", "RCPT TO:<x@d4999.example>",
                     "RCPT TO:<x@d5000.example>", "RCPT TO:<y@other.example>")) == [
        "rule.d9999", "rule.d4999", "rcpt.user-unknown", "rcpt.accepted"]
