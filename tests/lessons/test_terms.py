"""One Chinese term per concept across every lesson file (the ones other work adds too).

Each zh string is checked against its English twin (same file kind, same table path): a
term may only appear where the English text speaks of the same concept, and the concept's
term must appear where it does. Relay is 中继 and forward is 转发 (251, 551); octet is 字节
(glossed 字节（octet，8 位）); bare LF is 裸 LF; 问候语 is the 220 greeting only and the client
打招呼 (EHLO, HELO); the whole message is 邮件内容 and 正文 only its body; the header is 邮件头;
the server that queues and retries is the 发信服务器 (MTA), never the 邮件客户端 (a mail program
such as Outlook or Foxmail); PIPELINING is 命令流水线; the idle timeout is 空闲超时; an app
password is an 应用专用密码, and 授权码 only where the text speaks of QQ Mail's or 163's; the
submission server is the 邮件提交服务器 and a port is written 25 端口; the final dot is 结尾的点;
the lab is 实验; SPF or DKIM 担保 (vouches) for a domain.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import pytest

from tests import ROOT

LESSONS: Final = ROOT / "lessons"
CLASS_TITLES: Final = {"1": "肯定初步回复", "2": "肯定完成回复", "3": "肯定中间回复",
                       "4": "暂时否定回复", "5": "永久否定回复"}


def leaves(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string under ``node``, with its path (tables and lists alike)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, Mapping):
        for name, value in node.items():
            yield from leaves(value, f"{path}.{name}" if path else name)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, f"{path}[{index}]")


def inline_twins(node: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, English, Chinese) for every table holding both an ``en`` and a ``zh`` part
    (``[rule.explain.en]``/``.zh``, ``en.goal``/``zh.goal``, ``title = { en = .., zh = .. }``)."""
    if isinstance(node, Mapping):
        if "en" in node and "zh" in node:
            en, zh = dict(leaves(node["en"])), dict(leaves(node["zh"]))
            for where in sorted(set(en) & set(zh)):
                yield f"{path}.{where}", en[where], zh[where]
        for name, value in node.items():
            if name not in ("en", "zh"):
                yield from inline_twins(value, f"{path}.{name}" if path else name)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from inline_twins(value, f"{path}[{index}]")


def read(path: Path) -> Mapping[str, Any]:
    return tomllib.loads(path.read_text("utf-8"))


def twins(path: Path) -> list[tuple[str, str, str]]:
    """(where, English text, Chinese text) for every text ``path`` holds in both languages:
    against its ``.en.`` file for a ``.zh.`` file, else the en/zh parts inside the file."""
    if path.suffix == ".run":
        return run_twins(path)
    if ".zh." in path.name:
        en = dict(leaves(read(path.with_name(path.name.replace(".zh.", ".en.")))))
        zh = dict(leaves(read(path)))
        return [(where, en[where], zh[where]) for where in sorted(set(en) & set(zh))]
    return list(inline_twins(read(path)))


def run_twins(zh_run: Path) -> list[tuple[str, str, str]]:
    """(where, English, Chinese) for each narration line of a demo script: the languages'
    scripts hold the same commands (smtp-sim lessons check), so the n-th ``#`` lines are twins."""
    def narration(path: Path) -> list[str]:
        return [line[2:] for line in path.read_text("utf-8").splitlines() if line.startswith("# ")]

    en, zh = narration(zh_run.with_name(zh_run.name.replace(".zh.", ".en."))), narration(zh_run)
    return [(f"narration {n}", e, z) for n, (e, z) in enumerate(zip(en, zh, strict=True))]


FILES: Final = sorted(
    path for path in LESSONS.rglob("*.toml")
    if ".en." not in path.name and not (".zh." in path.name and not
                                        path.with_name(path.name.replace(".zh.", ".en.")).is_file())
    and twins(path)
) + sorted(LESSONS.glob("demos/*.zh.run"))
"""Every lesson file with Chinese text to check: zh files with an en twin, files that
carry both languages inside (scenarios, course steps, demos), and the demos' zh narrations."""


# (Chinese term, English words one of which its twin must contain)
ONLY_WHERE: Final = (
    ("转发", ("forward",)),
    ("中继", ("relay",)),
    ("问候语", ("greeting", "220", "banner")),
    ("邮件正文", ("body",)),
    ("邮件客户端", ("mail client", "user agent", "mail program")),
    ("发信服务器", ("sending server", "mta", "sending side")),  # 502 comes from the server asked
    ("授权码", ("授权码",)),  # QQ Mail's and 163's own name, said where the English names it
)
# (English word, the Chinese term its twin must contain)
ALWAYS: Final = (
    (re.compile(r"\brelay", re.I), "中继"),
    (re.compile(r"\bbare LF\b"), "裸 LF"),
    (re.compile(r"\bbare CR\b"), "裸 CR"),
    (re.compile(r"\boctets?\b"), "字节"),
    (re.compile(r"\bsending server\b", re.I), "发信服务器"),
    (re.compile(r"\b[Pp]ipelining\b"), "命令流水线"),  # the concept; the keyword PIPELINING stays
    (re.compile(r"\bapp passwords?\b", re.I), "应用专用密码"),  # 授权码 is only QQ's and 163's
    (re.compile(r"\bweb password\b", re.I), "网页登录密码"),
    (re.compile(r"\bsubmission server\b", re.I), "邮件提交服务器"),
    (re.compile(r"\bvouch", re.I), "担保"),
    (re.compile(r"\bimplicit TLS\b", re.I), "隐式 TLS"),
    (re.compile(r"\bencoded-words?\b", re.I), "编码字"),
    (re.compile(r"\bmail store\b", re.I), "邮件存储服务器"),
)
MESSAGE_TEXT: Final = re.compile(
    r"\bmessage text\b|\bDATA, (?:the|your|a few lines of) text\b|\boctet of text\b", re.I)
"""The whole message (邮件内容); 正文 is the body only, after the header and its empty line."""


def prose(english: str) -> str:
    """The English text without quoted header lines (``Subject: Relayed`` is no relay)."""
    return re.sub(r"Subject: [^,.;]*", "", english)


@pytest.mark.parametrize("zh_file", FILES, ids=lambda p: str(p.relative_to(LESSONS)))
def test_each_term_is_used_only_for_its_concept(zh_file: Path) -> None:
    wrong = [(where, term) for where, en, zh in twins(zh_file) for term, words in ONLY_WHERE
             if term in zh and not any(word in en.lower() for word in words)]
    assert wrong == []


@pytest.mark.parametrize("zh_file", FILES, ids=lambda p: str(p.relative_to(LESSONS)))
def test_each_concept_has_its_term(zh_file: Path) -> None:
    missing = [(where, term) for where, en, zh in twins(zh_file) for word, term in ALWAYS
               if word.search(prose(en)) and term not in zh]
    assert missing == []


@pytest.mark.parametrize("zh_file", FILES, ids=lambda p: str(p.relative_to(LESSONS)))
def test_the_whole_message_is_not_called_its_body(zh_file: Path) -> None:
    wrong = [where for where, en, zh in twins(zh_file)
             if MESSAGE_TEXT.search(en) and "body" not in en and "正文" in zh]
    assert wrong == []


@pytest.mark.parametrize("zh_file", FILES, ids=lambda p: str(p.relative_to(LESSONS)))
def test_words_that_are_not_our_terms_are_absent(zh_file: Path) -> None:
    text = "\n".join(zh for _, _, zh in twins(zh_file))
    for word in ("八位组", "八位字节", "单独的 LF", "单独的 CR", "单独 LF", "单独 CR", "肯定的完成", "肯定的中间",
                 "肯定的初步", "暂时性否定", "永久性否定", "“{state}”", "闲置", "管道",
                 "账户",  # an account is 账号
                 "最后的点",  # the final dot is 结尾的点
                 "实验室",  # the lab (its zone, its CA, its keys) is 实验
                 "作证"):  # SPF or DKIM 担保 (vouches) for a domain
        assert word not in text, word
    for wrong in NOT_OUR_WORDING:
        assert wrong.search(text) is None, wrong.pattern


NOT_OUR_WORDING: Final = (
    re.compile(r"(?<!脚本)头部"),  # the message header is 邮件头 (a demo script's header stays)
    re.compile(r"(?:EHLO|HELO)[^。；，“”]*问候(?!语)|重新问候|你问候|问候服务器|旧式问候|已问候"),
    # the client 打招呼; 问候 is what the server does with 220
    re.compile(r"时用 ?[1-5][0-5][0-9]"),  # the server replies 501: the learner picks no code
    re.compile(r"(?<!服务器)问候(?!语)|问好"),  # 问候语 (220) or 服务器问候; the client 打招呼
    re.compile(r'"[^"\n]*[\u4e00-\u9fff][^"\n]*"'),  # Chinese is quoted with “”, not ASCII "
    re.compile(r"(?<!垃圾)邮件程序"),  # a mail program is a 邮件客户端 (spam software stays 垃圾邮件程序)
    re.compile(r"(?<!邮件)提交服务器"),  # the submission server (RFC 6409) is the 邮件提交服务器
    re.compile(r"端口 ?[0-9{]"),  # 25 端口, as a Chinese textbook writes it, not 端口 25
    re.compile(r"\bNote\b"),  # the console's note begins 注意： in Chinese
    re.compile(r"(?<!网页)登录密码|账号密码"),  # the account's own password is its 网页登录密码
    re.compile(r"(?<!增强)状态码"),  # a reply code is a 回复码; 增强状态码 is the enhanced code
)

@pytest.mark.parametrize("zh_file", FILES, ids=lambda p: str(p.relative_to(LESSONS)))
def test_octet_is_glossed_in_every_file_that_counts_them(zh_file: Path) -> None:
    text = "\n".join(zh for _, _, zh in twins(zh_file))
    if any(re.search(r"\boctets?\b", en) for _, en, _ in twins(zh_file)):
        assert "字节（octet，8 位）" in text


def test_class_titles_are_the_standard_chinese_ones() -> None:
    codes = tomllib.loads((LESSONS / "codes.zh.toml").read_text("utf-8"))
    assert {d: t["title"] for d, t in codes["classes"]["first"].items()} == CLASS_TITLES


MACHINE_WORDING: Final = ("失败退信", "客户端地址开始的", "已经为你的地址保持了",
                          "退回一封退信", "的形式退回", "据此行事", "别人家的", "说了 TLS",
                          "读信程序", "在 RCPT TO 得到",
                          "什么都不算", "同一次写入里还跟着", "直接写的")
"""Phrasings a Chinese textbook would not use (a teacher's reading of issue 20, and of the
lessons 19-29 added for issue 22: a bounce is not 退回 twice, a client does not 说 TLS; of
lessons 20, 24 and 26 as changed for issue 26: a transaction 不算数, raw UTF-8 is 未经编码的)."""


@pytest.mark.parametrize("zh_file", FILES, ids=lambda p: str(p.relative_to(LESSONS)))
def test_chinese_reads_as_written_not_translated(zh_file: Path) -> None:
    text = "\n".join(zh for _, _, zh in twins(zh_file))
    assert [words for words in MACHINE_WORDING if words in text] == []


CJK: Final = "\u4e00-\u9fff"
SPACED_CHINESE_VALUE: Final = re.compile(
    rf"[{CJK}] [{CJK}@.]*[@.][{CJK}]|[{CJK}][@.][{CJK}]+ [{CJK}]")
"""A domain or address written in Chinese set off from the Chinese around it by spaces
(“写域名 例子.中国”, “例子.中国 就是”): a space parts Chinese from ASCII, never Chinese from
Chinese, so a Chinese value is quoted: 域名“例子.中国”."""


@pytest.mark.parametrize("zh_file", FILES, ids=lambda p: str(p.relative_to(LESSONS)))
def test_a_chinese_value_is_quoted_not_spaced(zh_file: Path) -> None:
    found = [(where, match.group()) for where, _, zh in twins(zh_file)
             for match in SPACED_CHINESE_VALUE.finditer(zh)]
    assert found == []
