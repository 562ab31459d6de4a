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


# Issue 20: the teacher's second reading (RFC 5321, 5322, 6531, 6532, 6152, 3207, 4954, 7489,
# 7372; Postfix's and the providers' documented behaviour)
FACTS_20: Final[list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = [
    # x3z: 354's second digit is 5; only the AUTH replies are x3z
    ("codes", ("classes", "second", "3"), ("354", "second digit is 5", "235, 334, 530, 534, 535"),
     ("354", "第二位数字是 5", "235、334、530、534、535"), ("holds the 354", "and data")),
    # 534 5.7.9 is Gmail's; QQ Mail and 163 answer 535 and ask for the 授权码 in the text
    ("keys", ("auth.app-password-required",), ("Gmail", "535", "Read the text"),
     ("Gmail", "535", "读回复的文字"), ("授权码 of QQ Mail and 163); 534",)),
    ("compare", ("534-535",), ("Gmail answers 534 5.7.9", "535", "read the text"),
     ("534 5.7.9", "535", "读回复的文字"), ("Gmail, QQ Mail or 163",)),
    ("codes", ("codes", "535"), ("QQ Mail", "535", "授权码"), ("QQ 邮箱", "授权码"), ()),
    ("codes", ("codes", "534"), ("Gmail", "5.7.9"), ("Gmail", "5.7.9"), ()),
    # RFC 5321 §4.5.4.1: the sending server (MTA) queues and retries, not a mail client
    ("codes", ("classes", "first", "4"), ("sending server",), ("发信服务器",), ("mail client",)),
    ("codes", ("classes", "first", "5"), ("sending server", "Outlook"), ("发信服务器", "Outlook"),
     ("a mail client does not retry",)),
    ("codes", ("codes", "421"), ("sending server",), ("发信服务器",), ("A mail client keeps",)),
    ("codes", ("codes", "450"), ("sending server",), ("发信服务器",), ("mail client",)),
    ("codes", ("codes", "451"), ("sending server",), ("发信服务器",), ("mail client",)),
    ("codes", ("codes", "452"), ("sending server",), ("发信服务器",), ("mail client",)),
    ("compare", ("221-421",), ("sending server",), ("发信服务器",), ("mail client",)),
    ("compare", ("421-450-451",), ("sending server",), ("发信服务器",), ("mail client",)),
    ("compare", ("450-550",), ("sending server",), ("发信服务器",), ("mail client",)),
    # DMARC judges the header From: after the final dot; which domains reject is the world's
    ("keys", ("data.dmarc-reject",), ("header From:", "final dot", "p=reject",
                                      "dig TXT _dmarc.yahoo.com", "p=none"),
     ("邮件头 From:", "结尾的点之后", "p=reject", "dig TXT _dmarc.yahoo.com", "p=none"),
     ("refused at MAIL FROM",)),
    ("codes", ("pairs", "550 5.7.26"), ("header From:", "After the final dot", "dig TXT"),
     ("邮件头 From:", "结尾的点之后", "dig TXT"), ("After MAIL FROM or", "gmail.com, yahoo.com")),
    ("codes", ("codes", "550"), ("header From: fails DMARC (5.7.26)",), ("邮件头 From:",),
     ("SPF or DMARC checks (5.7.23, 5.7.26)",)),
    # a text line too long is refused with a code RFC 5321 §4.3.2 allows after the dot
    ("keys", ("data.line-too-long",), ("550 5.5.2", "§4.3.2"), ("550 5.5.2",),
     ("refused the whole message with 500",)),
    # replies to MAIL and RCPT stay ASCII (RFC 6531 §3.7.4)
    ("keys", ("mail.accepted-utf8",), ("ASCII", "§3.7.4"), ("ASCII", "§3.7.4"), ()),
    ("keys", ("rcpt.accepted-utf8",), ("ASCII", "§3.7.4"), ("ASCII", "§3.7.4"), ()),
    # the explanation follows the scenario in force
    ("keys", ("rcpt.accepted",), ("strict scenario", "realistic scenario", "AUTH"),
     ("strict 场景", "realistic 场景", "AUTH"), ("this teaching server accepts any",)),
    # AUTH appears after STARTTLS only where the server offers it
    ("keys", ("tls.ready",), ("if the server offers AUTH",), ("如果服务器只在 TLS 之上提供 AUTH",),
     ("now lists AUTH instead of STARTTLS",)),
    # RFC 3207 §4 is the source of 530 for STARTTLS
    ("keys", ("tls.required",), ("STARTTLS required", "RFC 3207 §4"), ("STARTTLS", "RFC 3207 §4"),
     ("Authentication required",)),
    ("codes", ("codes", "530"), ("RFC 3207 §4", "RFC 4954 §6", "read the text"),
     ("RFC 3207 §4", "读回复的文字"), ()),
    # Postfix: smtpd_forbid_bare_newline = reject refuses (550); yes is normalize, which accepts
    ("keys", ("data.bare-lf",), ("= reject", "normalize", "yes is another name", "3.9"),
     ("= reject", "normalize", "yes 是它的别名", "3.9"), ()),
    # the whole-text limit is this server's policy; §4.5.3.2 times the client
    ("keys", ("session.too-slow",), ("this server's policy", "client"),
     ("本服务器", "客户端"), ()),
    # the header note: 8BITMIME covers the body, SMTPUTF8 (RFC 6532) or RFC 2047 the header
    ("ui", ("explain",), ("covers only the body", "RFC 6532", "RFC 2047", "=?UTF-8?B?5L2g5aW9?="),
     ("只管正文", "RFC 6532", "RFC 2047", "=?UTF-8?B?5L2g5aW9?="), ()),
    # international examples: a real TLD, and A-labels need no SMTPUTF8
    ("keys", ("mail.utf8-needs-smtputf8",), ("用户@例子.中国", "xn--fsqu00a.xn--fiqs8s"),
     ("用户@例子.中国", "xn--fsqu00a.xn--fiqs8s"), ("广告",)),
    ("keys", ("rcpt.utf8-needs-smtputf8",), ("用户@例子.中国",), ("用户@例子.中国",), ("广告",)),
    # 2xx also fits the 220 greeting, which answers no command
    ("codes", ("classes", "first", "2"), ("ready",), ("就绪",),
     ("success; the command was carried out",)),
]


@pytest.mark.parametrize(("kind", "path", "en", "zh", "never"), FACTS_20,
                         ids=[f"{f[0]}:{'.'.join(f[1])}" for f in FACTS_20])
def test_issue_20_fact_stays_fixed(kind: str, path: tuple[str, ...], en: tuple[str, ...],
                                   zh: tuple[str, ...], never: tuple[str, ...]) -> None:
    test_fixed_fact_stays_fixed(kind, path, en, zh, never)


def step(name: str, lang: str, number: int, field: str) -> str:
    doc: Any = tomllib.loads((ROOT / "lessons" / "course" / name).read_text("utf-8"))
    value = doc["steps"][number][lang][field]
    return " ".join(value) if isinstance(value, list) else str(value)


def part(name: str, lang: str, field: str) -> str:
    doc: Any = tomllib.loads((ROOT / "lessons" / "course" / name).read_text("utf-8"))
    return str(doc[lang][field])


# (lesson file, where: a [en]/[zh] field or (step, field), en must say, zh must say, en never)
LESSON_FACTS: Final[list[tuple[str, str | tuple[int, str], tuple[str, ...], tuple[str, ...],
                                tuple[str, ...]]]] = [
    ("03-order.toml", "summary", ("second digit is the same, 1", "third digit"),
     ("第二位数字相同", "第三位数字"), ("The second\ndigits of 2.1.0 and 2.1.5 say",)),
    ("05-first-mail.toml", "intro", ("Date:", "From:", "§3.6", "Message-ID", "Gmail"),
     ("Date:", "From:", "§3.6", "Message-ID", "Gmail"), ()),
    ("05-first-mail.toml", (1, "goal"), ("From:",), ("From:",), ()),
    ("13-greylisting.toml", "intro", ("triplet", "client address", "300 s", "days"),
     ("三元组", "客户端地址", "300 秒", "好几天"), ("sender and recipient pair",)),
    ("13-greylisting.toml", "summary", ("sending server",), ("发信服务器",),
     ("A client must retry",)),
    ("16-auth.toml", "summary", ("465", "587", "port 25", "Alibaba Cloud", "smtp.qq.com"),
     ("465", "587", "25 端口", "阿里云", "腾讯云", "华为云", "smtp.qq.com", "授权码"), ()),
    ("17-spam-and-dmarc.toml", "intro", ("header's From:", "p=reject", "p=none", "dig TXT"),
     ("From:", "p=reject", "p=none", "dig TXT"), ()),
    ("17-spam-and-dmarc.toml", "summary", ("the fix is the route", "SPF, DKIM"),
     ("发信路线", "SPF、DKIM"), ("the only fix", "changing the same message")),
    ("17-spam-and-dmarc.toml", (1, "goal"), ("From: someone@yahoo.com", "final dot"),
     ("From: someone@yahoo.com", "结尾的点之后"), ("MAIL FROM:<someone@gmail.com>",)),
    ("20-submission-ports.toml", "summary", ("its own domains", "relays for nobody", "465 cannot replace"),
     ("自己负责的域", "不为任何人中继", "465 无法取代"), ()),
    ("29-reading-a-bounce.toml", "summary", ("RFC 3464", "Final-Recipient", "permanent"),
     ("RFC 3464", "Final-Recipient", "永久失败", "Action 是 failed"), ()),
    ("18-international.toml", (0, "goal"), ("550 5.6.7",), ("550 5.6.7",), ("553",)),
    ("18-international.toml", "summary", ("550 5.6.7", "553 at RCPT"), ("550 5.6.7",),
     ("address got 553",)),
    ("18-international.toml", "intro", ("A-label", "xn--fsqu00a.xn--fiqs8s", "RFC 2047",
                                        "RFC 6532", "body only"),
     ("A-label", "xn--fsqu00a.xn--fiqs8s", "RFC 2047", "RFC 6532"), ()),
]


@pytest.mark.parametrize(("name", "where", "en", "zh", "never"), LESSON_FACTS,
                         ids=[f"{f[0]}:{f[1]}" for f in LESSON_FACTS])
def test_lesson_fact_stays_fixed(name: str, where: str | tuple[int, str], en: tuple[str, ...],
                                 zh: tuple[str, ...], never: tuple[str, ...]) -> None:
    def read(lang: str) -> str:
        return part(name, lang, where) if isinstance(where, str) else step(name, lang, *where)

    english, chinese = read("en"), read("zh")
    for words in en:
        assert words in english, words
    for words in zh:
        assert words in chinese, words
    for words in never:
        assert words not in english, words


def test_the_smuggling_demo_says_what_its_script_sends() -> None:
    """The script ends "Hello Bob." with CRLF, then sends a dot ended by a bare LF."""
    demo: Any = tomllib.loads((ROOT / "lessons" / "demos" / "smuggling.toml").read_text("utf-8"))
    script = (ROOT / "lessons" / "demos" / "smuggling.en.run").read_text("utf-8")
    assert "Hello Bob.\n:eol lf\n.\n" in script
    for lang in ("en", "zh"):
        assert "<CR><LF>.<LF>" in demo["summary"][lang]


def test_the_bounces_demo_lets_the_sending_server_retry() -> None:
    for lang, words in (("en", "sending server"), ("zh", "发信服务器")):
        narration = (ROOT / "lessons" / "demos" / f"bounces.{lang}.run").read_text("utf-8")
        assert narration.count(words) >= 2
        assert "real client" not in narration and "真正的客户端" not in narration


def test_no_mail_client_keeps_a_retry_queue_anywhere() -> None:
    """RFC 5321 §4.5.4.1: the queue and its retries belong to the sending server (MTA)."""
    import re

    wrong = re.compile(r"mail client[^.]*\b(?:queue|retr)", re.I)
    found = [(path.name, match.group(0)) for path in (ROOT / "lessons").rglob("*.toml")
             for match in wrong.finditer(path.read_text("utf-8"))]
    assert found == []


# A second, independent reading of issue 20's classes (RFC 5321 §3.8, §4.5.3.1.10, §4.5.3.2,
# §4.5.4.1; RFC 3207 §4.2; SpamAssassin's GTUBE): the same slips, found elsewhere.
FACTS_20_SECOND: Final[list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...],
                                  tuple[str, ...]]]] = [
    # the retrying party is the sending server (MTA), never "a real client"
    ("keys", ("fault.closing",), ("sending server",), ("发信服务器",), ("real client",)),
    ("keys", ("fault.try-again",), ("sending server",), ("发信服务器",), ("real client",)),
    # RFC 5321 §3.8: a lost connection is treated as if 451 had come
    ("keys", ("session.hung-up",), ("sending server", "451"), ("发信服务器", "451"),
     ("Real clients",)),
    # RFC 5321 §4.5.3.1.10: the SMTP client (the sending server) sends the rest later
    ("keys", ("limits.too-many-recipients",), ("sending server",), ("发信服务器",),
     ("Mail programs",)),
    ("codes", ("pairs", "452 4.5.3"), ("sending server",), ("发信服务器",), ("Mail programs",)),
    # [SPAM] in a Subject is a tag filters add, refused only by smtp-sim's realistic scenario
    ("codes", ("pairs", "554 5.7.1"), ("GTUBE", "SpamAssassin", "realistic scenario"),
     ("GTUBE", "SpamAssassin", "realistic 场景"), ("(a test string such as GTUBE, [SPAM]",)),
    # RFC 5321 §4.5.3.2.5-6 time the client's waits; the server's DATA limits are its policy
    ("ui", ("cli", "serve-data-block-timeout"), ("this server's policy",), ("本服务器",),
     ("RFC 5321's 3 minutes",)),
    # the recipient limit is a setting (lesson 10 uses 3), 100 only its default
    ("classroom", ("mistakes", "limits.too-many-recipients"), ("one message",), ("一封邮件",),
     ("100",)),
    # the EHLO explanation holds under --tls and --auth too, where the list is longer
    ("keys", ("session.ehlo",), ("STARTTLS or AUTH",), ("STARTTLS 或 AUTH",), ()),
    ("ui", ("cli", "serve-data-timeout"), ("this server's policy",), ("本服务器",),
     ("RFC 5321's 10 minutes",)),
]


@pytest.mark.parametrize(("kind", "path", "en", "zh", "never"), FACTS_20_SECOND,
                         ids=[f"{f[0]}:{'.'.join(f[1])}" for f in FACTS_20_SECOND])
def test_second_reading_fact_stays_fixed(kind: str, path: tuple[str, ...], en: tuple[str, ...],
                                         zh: tuple[str, ...], never: tuple[str, ...]) -> None:
    test_fixed_fact_stays_fixed(kind, path, en, zh, never)


def test_the_chinese_502_is_about_the_server_that_answers() -> None:
    """502 comes from the server the client talks to, not from a sending server."""
    assert "发信服务器" not in text("codes", "zh", "codes", "502")


SECOND_LESSON_FACTS: Final[list[tuple[str, str | tuple[int, str], tuple[str, ...],
                                       tuple[str, ...], tuple[str, ...]]]] = [
    # 452 4.5.3 is no reason to wait: the rest go in the next transaction at once
    ("10-recipients.toml", "intro", ("right after",), ("不必等待",), ("try\nthe rest later",)),
    ("10-recipients.toml", (1, "hints"), ("sending server",), ("发信服务器",), ("a real client",)),
    # GTUBE is SpamAssassin's test string (Rspamd knows it too), not every filter's
    ("17-spam-and-dmarc.toml", (0, "hints"), ("SpamAssassin",), ("SpamAssassin",),
     ("every spam filter",)),
    # RFC 3207 §4.2: the client SHOULD send EHLO first after the handshake
    ("15-starttls.toml", (2, "hints"), ("should", "503"), ("应当", "503"), ("must send EHLO",)),
    # every SMTP client stuffs dots, the sending server (MTA) as much as a mail program
    ("06-dot-stuffing.toml", "summary", ("every SMTP client", "sending server"),
     ("每个 SMTP 客户端", "发信服务器"), ("real mail clients always",)),
    # the summary holds whichever Subject the learner wrote: raw needs SMTPUTF8, else RFC 2047
    ("18-international.toml", "summary", ("SMTPUTF8 (RFC 6532)", "encoded-word"),
     ("SMTPUTF8（RFC 6532）", "编码字"), ("the Subject travelled as an encoded-word",)),
]


@pytest.mark.parametrize(("name", "where", "en", "zh", "never"), SECOND_LESSON_FACTS,
                         ids=[f"{f[0]}:{f[1]}" for f in SECOND_LESSON_FACTS])
def test_second_reading_lesson_fact(name: str, where: str | tuple[int, str], en: tuple[str, ...],
                                    zh: tuple[str, ...], never: tuple[str, ...]) -> None:
    test_lesson_fact_stays_fixed(name, where, en, zh, never)


def test_no_client_but_the_sending_server_retries_anywhere() -> None:
    """The class of issue 20's retry slip, in every wording: "a real client retries"."""
    import re

    wrong = re.compile(r"\breal clients? (?:would |will )?(?:retr|send|queue|treat)", re.I)
    found = [(path.name, match.group(0)) for path in (ROOT / "lessons").rglob("*.toml")
             for match in wrong.finditer(path.read_text("utf-8"))]
    assert found == []
