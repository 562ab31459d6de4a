"""A small lesson library written for the tests that need exact texts."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.lessons.load import Library

FIXTURE_CODES = """
[labels]
why = "Why"
[classes.first.5]
title = "Permanent"
meaning = "permanent failure"
description = "Change the command."
[classes.second.0]
title = "Syntax"
description = "Form of the command."
[classes.second.5]
title = "Mail system"
description = "Mailboxes."
[codes.500]
title = "Not recognized"
description = "Unknown command."
when = "After a typo."
fix = "Check spelling."
rfc = "RFC 5321 §4.2.4"
[codes.550]
title = "Mailbox unavailable"
description = "Refused."
when = "After RCPT TO."
fix = "Check the address."
rfc = "RFC 5321 §4.2.2"
[enhanced."X.1.1"]
title = "Bad destination mailbox address"
description = "No such user."
"""


FIXTURE_KEYS = """
["syntax.unknown-command"]
why = "verb={verb} argument={argument} line={line} code={code} host={host} state={state} {{x}}"
fix = "Type HELO, not {verb}."
rfc = "RFC 5321 §4.2.4"
["limits.line-too-long"]
why = "limit={limit}"
fix = "Shorter."
rfc = "RFC 5321 §4.5.3.1.4"
["limits.too-many-recipients"]
why = "limit={limit}"
fix = "Split."
rfc = "RFC 5321 §4.5.3.1.8"
["session.quit"]
why = "host={host}"
fix = "Nothing."
rfc = "RFC 5321 §4.1.1.10"
"""


@pytest.fixture
def library(tmp_path: Path) -> Library:
    (tmp_path / "codes.en.toml").write_text(FIXTURE_CODES, encoding="utf-8")
    (tmp_path / "keys.en.toml").write_text(FIXTURE_KEYS, encoding="utf-8")
    return Library(tmp_path)
