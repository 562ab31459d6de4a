"""Meta-command parsing: what the console does with a line starting with ':'."""

from __future__ import annotations

import pytest

from simulator.faces.shell.meta import (
    NAMES,
    MetaCommand,
    MetaError,
    is_known_meta,
    is_meta,
    parse_meta,
)


@pytest.mark.parametrize(("line", "expected"), [
    (":help", MetaCommand("help", ())),
    ("  :HELP  ", MetaCommand("help", ())),
    (":explain 221 500", MetaCommand("explain", ("221", "500"))),
    (":lang ZH", MetaCommand("lang", ("zh",))),
    (":eol lf", MetaCommand("eol", ("lf",))),
    (":raw", MetaCommand("raw", ())),
    (":mailbox 2", MetaCommand("mailbox", ("2",))),
    (":save my notes.md", MetaCommand("save", ("my notes.md",))),
    (":q", MetaCommand("quit", ())),
])
def test_well_formed_meta_commands(line: str, expected: MetaCommand) -> None:
    assert parse_meta(line) == expected


def test_unknown_name_is_reported_with_the_name_as_typed() -> None:
    assert parse_meta(":stat") == MetaError(":stat")
    assert parse_meta(":") == MetaError(":")


@pytest.mark.parametrize("line", [":lang fr", ":eol cr", ":explain", ":save"])
def test_known_name_with_wrong_arguments_carries_its_usage(line: str) -> None:
    parsed = parse_meta(line)
    assert isinstance(parsed, MetaError)
    assert parsed.spec is not None
    assert parsed.spec.usage.startswith(line.split()[0])


def test_every_meta_command_the_issue_names_exists() -> None:
    wanted = {":help", ":explain", ":more", ":state", ":mailbox", ":reconnect", ":lang", ":eol",
              ":raw", ":save", ":save!", ":quit", ":scenario", ":detail", ":b64",  # :b64: issue 11
              ":pause",  # issue 12: lessons 13 and 14 ask for it
              ":pipeline", ":end",  # issue 19: RFC 2920 practised in the console
              ":dig", ":dkim",  # issue 21: the mail-authentication lab
              ":connect"}  # issue 22: the lab's named hosts (lessons 19 and 20)
    assert wanted == set(NAMES)


def test_meta_detection() -> None:
    assert is_meta(":help") and is_meta("  :x")
    assert not is_meta("EHLO x") and not is_meta("")
    assert is_known_meta(":state")
    assert not is_known_meta(":-) a smiley in a message")
