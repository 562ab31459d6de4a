"""Facts the teacher's review fixed, pinned in both languages so a later edit cannot bring
the old mistake back (RFC 5321, 3463, 3207, 6531, 7504/7505)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any, Final

import pytest

from tests import ROOT


def load(kind: str, lang: str) -> Mapping[str, Any]:
    return tomllib.loads((ROOT / "lessons" / f"{kind}.{lang}.toml").read_text("utf-8"))


def text(kind: str, lang: str, *path: str) -> str:
    node: Any = load(kind, lang)
    for name in path:
        node = node[name]
    return " ".join(v for v in node.values() if isinstance(v, str)) if isinstance(node, Mapping) \
        else str(node)


# (file kind, table path, what the en text must say, what the zh text must say, what neither
# may say)
FACTS: Final[list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = [
    # 454's second digit is 5: it is no example of the x4z group
    ("codes", ("classes", "second", "4"), ("second digit is 5",), ("第二位数字是 5",), ()),
    # RFC 3463 §3.6: an unrecognised command is X.5.2; X.5.1 is out of sequence or unsupported
    ("codes", ("enhanced", "X.5.1"), ("X.5.2", "sequence"), ("X.5.2", "顺序"), ("unknown,",)),
    # RFC 5321 §7.3: a disabled VRFY/EXPN is answered 252; 502 is common against the RFC
    ("codes", ("codes", "252"), ("EXPN", "§7.3"), ("EXPN", "§7.3"), ()),
    ("keys", ("expn.disabled",), ("252", "502", "against the RFC"), ("252", "502", "违背"), ()),
    # §3.8, §4.1.1.10: a server that closes on its own sends 421, never 221
    ("codes", ("codes", "221"), ("421",), ("421",), ("ended the session on its own",)),
    ("compare", ("221-500",), ("421",), ("421",), ("just before the server hangs up",)),
    # RFC 6531 §3.5: 550 5.6.7 at MAIL, 553 5.6.7 at RCPT
    ("codes", ("codes", "553"), ("550 5.6.7", "553 5.6.7"), ("550 5.6.7", "553 5.6.7"), ()),
    ("keys", ("mail.utf8-needs-smtputf8",), ("550 5.6.7",), ("550 5.6.7",), ()),
    ("keys", ("rcpt.utf8-needs-smtputf8",), ("553 5.6.7",), ("553 5.6.7",), ()),
    # the 8BITMIME extension is used as the parameter BODY=8BITMIME
    ("codes", ("codes", "555"), ("BODY=8BITMIME",), ("BODY=8BITMIME",), ()),
    # RFC 5321 §4.5.3.1.10: legacy 552 for too many recipients; 552 5.2.2 is over quota
    ("codes", ("codes", "552"), ("RFC 821", "452", "5.2.2"), ("RFC 821", "452", "5.2.2"), ()),
    ("compare", ("452-552",), ("RFC 821", "5.2.2"), ("RFC 821", "5.2.2"), ()),
    # after 354 NOOP is message text
    ("keys", ("session.timeout",), ("354",), ("354",), ()),
    # RFC 3207 §4.2: 220 answers STARTTLS; no greeting follows the handshake
    ("codes", ("codes", "220"), ("STARTTLS", "no new greeting", "EHLO again"),
     ("STARTTLS", "不会再发问候语"), ("when TLS negotiation may begin",)),
    # RFC 7505: the null-MX refusal is 556 5.1.10, not 521
    ("codes", ("codes", "521"), ("556 5.1.10",), ("556 5.1.10",), ()),
    ("codes", ("codes", "556"), ("null MX",), ("空 MX",), ()),
    # 554 as a greeting is about the client's IP address
    ("codes", ("codes", "554"), ("IP address",), ("IP 地址",), ("your address is blocked",)),
    # 451 is the usual greylisting reply
    ("codes", ("codes", "451"), ("greylist", "4.7.1"), ("灰名单", "4.7.1"), ()),
    # RFC 5321 §4.5.3.1: 512/64/256/1000 are what every server must accept, not a maximum
    ("keys", ("limits.line-too-long",), ("must accept",), ("必须接受",), ("the most SMTP allows",)),
    ("keys", ("limits.local-part-too-long",), ("must accept",), ("必须接受",),
     ("the most SMTP allows",)),
    ("keys", ("limits.path-too-long",), ("must accept",), ("必须接受",), ("the most SMTP allows",)),
    ("keys", ("data.line-too-long",), ("must be able to take",), ("必须能接受",),
     ("the most SMTP allows",)),
    # why bare LF matters
    ("keys", ("data.bare-lf",), ("SMTP smuggling",), ("SMTP 走私",), ()),
    ("keys", ("syntax.bare-lf",), ("Postfix", "smuggling"), ("Postfix", "走私"), ()),
    # where smtp-sim is stricter than common servers, say what they do
    ("keys", ("syntax.space-after-colon",), ("Postfix", "Gmail"), ("Postfix", "Gmail"), ()),
    ("keys", ("syntax.path-no-brackets",), ("Postfix", "Gmail"), ("Postfix", "Gmail"), ()),
    # RFC 5321 §4.5.4.1: retry at least 30 minutes apart, give up after 4-5 days
    ("codes", ("classes", "first", "4"), ("30 minutes", "4-5 days"), ("30 分钟", "4～5 天"), ()),
    ("codes", ("codes", "450"), ("30 minutes", "4-5 days"), ("30 分钟", "4～5 天"), ()),
    ("codes", ("codes", "451"), ("30 minutes", "4-5 days"), ("30 分钟", "4～5 天"), ()),
    ("compare", ("421-450-451",), ("30 minutes", "4-5 days"), ("30 分钟", "4～5 天"), ()),
]


@pytest.mark.parametrize(("kind", "path", "en", "zh", "never"), FACTS,
                         ids=[f"{f[0]}:{'.'.join(f[1])}" for f in FACTS])
def test_fixed_fact_stays_fixed(kind: str, path: tuple[str, ...], en: tuple[str, ...],
                                zh: tuple[str, ...], never: tuple[str, ...]) -> None:
    english, chinese = text(kind, "en", *path), text(kind, "zh", *path)
    for words in en:
        assert words in english, words
    for words in zh:
        assert words in chinese, words
    for words in never:
        assert words not in english, words
