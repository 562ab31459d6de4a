"""The console's own words (not lesson prose): prompts, notices, help, in English and Chinese.

Every message says what happened and what to do next. Lesson explanations live in the
lessons data; these strings only frame them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

_TEXT: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "start": (
        "Type EHLO client.example to begin (then MAIL FROM, RCPT TO, DATA); "
        ":help lists the console commands.",
        "输入 EHLO client.example 开始（然后是 MAIL FROM、RCPT TO、DATA）；"
        "输入 :help 查看控制台命令。"),
    "connected-to": ("Connected to {peer}.", "已连接到 {peer}。"),
    "connect-failed": (
        "Could not connect to {peer}: {error}. Check the host and port and that the server runs.",
        "无法连接到 {peer}：{error}。请检查主机和端口，并确认服务器正在运行。"),
    "closed": (
        "The server closed the connection. Press Enter on an empty line or type :reconnect "
        "to open a new session.",
        "服务器已关闭连接。在空行按回车或输入 :reconnect 开始新的会话。"),
    "closed-not-sent": (
        "Not sent: the connection is closed. Press Enter or type :reconnect for a new session.",
        "未发送：连接已关闭。按回车或输入 :reconnect 开始新的会话。"),
    "reconnected": ("New session opened.", "已开始新的会话。"),
    "no-reply": (
        "No reply from the server yet: it may be waiting for more input.",
        "服务器还没有回复：它可能在等待更多输入。"),
    "data-body": (
        "(message text: the server stays silent until a line holding only .)",
        "（邮件正文：在只有 . 的一行之前，服务器不会回复）"),
    "unknown-meta": (
        "Unknown console command {name}; it was not sent to the server. Console commands: {names}",
        "未知的控制台命令 {name}；它没有发送给服务器。控制台命令：{names}"),
    "usage": ("Usage: {usage}", "用法：{usage}"),
    "lang-set": ("Explanations are now in English.", "说明现在使用中文。"),
    "eol-lf": (
        "Lines are now sent with a bare LF (\\n). RFC 5321 §2.3.8 requires CRLF: "
        "watch what a strict server answers. :eol crlf goes back.",
        "现在每行以单独的 LF (\\n) 结尾。RFC 5321 §2.3.8 要求 CRLF："
        "看看严格的服务器如何回复。输入 :eol crlf 恢复。"),
    "eol-crlf": ("Lines are now sent with CRLF (\\r\\n), as SMTP requires.",
                 "现在每行以 CRLF (\\r\\n) 结尾，这是 SMTP 的要求。"),
    "raw-on": ("Raw mode on: line endings are shown as \\r\\n.",
               "原始模式已开启：行尾显示为 \\r\\n。"),
    "raw-off": ("Raw mode off.", "原始模式已关闭。"),
    "more-none": ("There is no reply to explain yet.", "还没有可以解释的回复。"),
    "mailbox-empty": (
        "The mailbox is empty: no message has been accepted yet (a 250 after DATA and .).",
        "邮箱是空的：还没有被接受的邮件（DATA 和 . 之后的 250）。"),
    "mailbox-remote": (
        "The mailbox belongs to the built-in server; with --connect the messages are on {peer}.",
        "邮箱属于内置服务器；使用 --connect 时，邮件在 {peer} 上。"),
    "mailbox-missing": ("No message number {number}; :mailbox lists them.",
                        "没有编号为 {number} 的邮件；输入 :mailbox 查看列表。"),
    "mailbox-show": ("Type :mailbox N to read message N.", "输入 :mailbox N 阅读第 N 封邮件。"),
    "saved": ("Transcript saved to {path} ({count} exchanges).",
              "记录已保存到 {path}（{count} 次交互）。"),
    "save-failed": ("Could not save to {path}: {error}", "无法保存到 {path}：{error}"),
    "explain-bad": (
        "Give one or two reply codes, for example :explain 250 or :explain 221 500.",
        "请给出一个或两个回复码，例如 :explain 250 或 :explain 221 500。"),
    "abandon-data": (
        "Leaving in the middle of DATA: the message is abandoned, as when a client hangs up "
        "before <CRLF>.<CRLF>.",
        "在 DATA 中途退出：邮件被放弃，就像客户端在 <CRLF>.<CRLF> 之前断开连接一样。"),
    "settings-unsaved": ("(the setting could not be saved for next time)",
                         "（此设置无法保存到下次使用）"),
    "help-title": ("Console commands (start with :, never sent to the server):",
                   "控制台命令（以 : 开头，不会发送给服务器）："),
    "help-smtp": (
        "Anything else you type is sent to the server as typed, plus CRLF. Try: "
        "EHLO client.example, MAIL FROM:<you@example.org>, RCPT TO:<friend@example.net>, "
        "DATA, your text, a line with ., QUIT. "
        "Tab completes; Ctrl-C clears the line; Ctrl-D says QUIT and leaves.",
        "其余输入都会原样发送给服务器，并加上 CRLF。试试：EHLO client.example、"
        "MAIL FROM:<you@example.org>、RCPT TO:<friend@example.net>、"
        "DATA、正文、只有 . 的一行、QUIT。"
        "Tab 补全；Ctrl-C 清除当前行；Ctrl-D 发送 QUIT 并退出。"),
    "help.help": ("this help", "显示本帮助"),
    "help.explain": ("explain a reply code, or compare two", "解释一个回复码，或比较两个"),
    "help.more": ("the full explanation of the last reply", "上一个回复的完整解释"),
    "help.state": ("the SMTP state diagram, with where you are", "SMTP 状态图，并标出当前位置"),
    "help.scenario": ("the server's scenario and the rules that decide its replies",
                      "服务器的场景，以及决定其回复的规则"),
    "help.mailbox": ("list the accepted messages, or show message N",
                     "列出已接受的邮件，或显示第 N 封"),
    "help.reconnect": ("close this session and open a new one", "关闭本会话并开始新的会话"),
    "help.lang": ("explanations in English or Chinese", "用英文或中文显示说明"),
    "help.eol": ("end lines with CRLF (correct) or a bare LF (to see why CRLF matters)",
                 "行尾使用 CRLF（正确）或单独的 LF（看看为什么 CRLF 很重要）"),
    "help.raw": ("show or hide \\r\\n in the transcript", "在记录中显示或隐藏 \\r\\n"),
    "help.save": ("save the transcript with its explanations as Markdown",
                  "把记录和说明保存为 Markdown"),
    "help.quit": ("say QUIT (if connected) and leave the console",
                  "发送 QUIT（如果已连接）并退出控制台"),
    "bar.state": ("state", "状态"),
    "bar.from": ("from", "发件人"),
    "bar.to": ("to", "收件人"),
    "bar.accepted": ("accepted", "已接受"),
    "bar.lang": ("lang", "语言"),
    "bar.closed": ("closed: press Enter or :reconnect", "已关闭：按回车或输入 :reconnect"),
    "bar.data-lf": ("DATA, bare LF: no . can end it; type :eol crlf, then . twice",
                    "DATA，单独 LF：. 无法结束邮件；先输入 :eol crlf，再输入两次 ."),
    "bar.data": ("DATA: type the message; a line holding only . ends it",
                 "DATA：输入邮件内容；只有 . 的一行表示结束"),
})


def text(key: str, lang: str, **fields: object) -> str:
    """The console message ``key`` in ``lang`` (English when the language is unknown)."""
    english, chinese = _TEXT[key]
    template = chinese if lang == "zh" else english
    return template.format(**fields) if fields else template


def keys() -> tuple[str, ...]:
    """Every message key (tests check each has both languages)."""
    return tuple(_TEXT)
