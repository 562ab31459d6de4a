"""What the console says about TLS and AUTH: the handshake, the certificate, ``:b64``.

Pure: a Step or the arguments of ``:b64`` in, ``(style, text)`` fragments out. On the
learner's own screen credentials are shown as typed; ``:b64`` is there to show that base64
is an encoding anyone can undo, which is why AUTH belongs after STARTTLS.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from simulator.client import SessionView, Step
from simulator.client.tls import CertificateInfo
from simulator.protocol import Policy
from simulator.protocol.escape import show_bytes

Fragments = list[tuple[str, str]]

_TEXT: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "established": ("TLS established: {version}, {cipher}. The session starts over: send EHLO "
                    "again (it now lists AUTH, if offered, and no longer STARTTLS).",
                    "TLS 已建立：{version}，{cipher}。会话从头开始：请再次发送 EHLO"
                    "（如果服务器提供 AUTH，现在会列出它，而不再列出 STARTTLS）。"),
    "certificate": ("Server certificate: subject {subject}; issuer {issuer}; valid from {start} "
                    "until {end}.",
                    "服务器证书：主体 {subject}；颁发者 {issuer}；有效期 {start} 至 {end}。"),
    "trusted": ("The certificate is trusted: its chain ends at a CA this client trusts (the "
                "system's, or for the built-in server the simulator's own) and it names the host.",
                "这张证书是受信任的：证书链通向本客户端信任的 CA（系统的 CA，内置服务器则是模拟器"
                "自己的 CA），并且证书上写着这个主机名。"),
    "untrusted": ("Warning: the system does not trust this certificate ({problem}). This is a "
                  "teaching tool, so the console connected again, repeated EHLO and STARTTLS, "
                  "and continues without verification; a real mail client would stop here "
                  "(as the console does with --verify).",
                  "警告：系统不信任这张证书（{problem}）。这是一个教学工具，所以控制台重新连接，"
                  "重复了 EHLO 和 STARTTLS，并在不验证证书的情况下继续；真正的邮件客户端会在这里"
                  "停止（控制台加上 --verify 时也会停止）。"),
    "refused": ("TLS refused: {problem}. The connection is closed; without --verify the "
                "console would warn and go on. :reconnect starts again.",
                "TLS 被拒绝：{problem}。连接已关闭；不加 --verify 时，控制台会给出警告并继续。"
                "输入 :reconnect 重新开始。"),
    "encoded": ("base64 of {text}: {encoded}", "{text} 的 base64 编码：{encoded}"),
    "decoded": ("{encoded} is base64 for: {text}", "{encoded} 解码后是：{text}"),
    "bad": ("{encoded} is not valid base64 (only A-Z, a-z, 0-9, + and /, with = at the end).",
            "{encoded} 不是合法的 base64（只能包含 A-Z、a-z、0-9、+ 和 /，末尾可以有 =）。"),
    "note": ("base64 is an encoding, not encryption: anyone who sees it can decode it. Write "
             "\\0 for the NUL byte, as in :b64 \\0student\\0secret for AUTH PLAIN.",
             "base64 只是编码，不是加密：任何看到它的人都能解码。用 \\0 表示 NUL 字节，"
             "例如 AUTH PLAIN 用 :b64 \\0student\\0secret。"),
    "help": ("encode TEXT in base64 (\\0 is NUL), or decode it with -d",
             "把 TEXT 编码成 base64（\\0 表示 NUL），或用 -d 解码"),
    "auth": ("auth", "认证"),
    "offers-tls": ("The built-in server offers STARTTLS (a real handshake, in memory).",
                   "内置服务器提供 STARTTLS（真实的握手，在内存中进行）。"),
    "account": ("AUTH account: {name} / {password}", "AUTH 账号：{name} / {password}"),
    "app-password": ("AUTH account: {name} / {password}; it needs its app password: {code}",
                     "AUTH 账号：{name} / {password}；它需要使用授权码：{code}"),
})


def text(key: str, lang: str, **fields: object) -> str:
    english, chinese = _TEXT[key]
    template = chinese if lang == "zh" else english
    return template.format(**fields) if fields else template


def message_keys() -> tuple[str, ...]:
    """Every message key (tests check each has both languages)."""
    return tuple(_TEXT)


def tls_fragments(step: Step, lang: str) -> Fragments:
    """The notices after a step that ended with a TLS handshake, or with its refusal."""
    if step.tls_refused is not None:
        problem = show_bytes(step.tls_refused.encode())
        return [("class:code.5xx", text("refused", lang, problem=problem) + "\n")]
    if step.tls is None:
        return []
    info = step.tls
    out: Fragments = [("class:code.2xx", text("established", lang, version=info.version,
                                              cipher=info.cipher) + "\n")]
    if info.certificate is not None:
        out += certificate_fragments(info.certificate, lang)
    return out


def certificate_fragments(cert: CertificateInfo, lang: str) -> Fragments:
    """Subject, issuer, validity, and whether the system trusts it."""
    shown = {"subject": show_bytes(cert.subject.encode()),
             "issuer": show_bytes(cert.issuer.encode()),
             "start": cert.not_before.strftime("%Y-%m-%d"),
             "end": cert.not_after.strftime("%Y-%m-%d")}
    out: Fragments = [("class:dim", text("certificate", lang, **shown) + "\n")]
    if cert.trusted:
        return [*out, ("class:dim", text("trusted", lang) + "\n")]
    problem = show_bytes((cert.problem or "").encode())
    return [*out, ("class:code.4xx", text("untrusted", lang, problem=problem) + "\n")]


def b64_fragments(argument: str, lang: str) -> Fragments:
    """``:b64 TEXT`` (``\\0`` for NUL) or ``:b64 -d TEXT``."""
    if argument.startswith("-d ") or argument == "-d":
        encoded = argument[2:].strip()
        shown = show_bytes(encoded.encode())
        try:
            data = base64.b64decode(encoded.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return [("class:code.5xx", text("bad", lang, encoded=shown) + "\n")]
        decoded = show_bytes(data).replace("\\x00", "\\0")
        line = text("decoded", lang, encoded=shown, text=decoded)
    else:
        data = argument.replace("\\0", "\0").encode("utf-8", "surrogateescape")
        encoded = base64.b64encode(data).decode("ascii")
        line = text("encoded", lang, text=show_bytes(data).replace("\\x00", "\\0"),
                    encoded=encoded)
    return [("class:title", line + "\n"), ("class:dim", text("note", lang) + "\n")]


def offered_fragments(policy: Policy, lang: str) -> Fragments:
    """At start: what the built-in server offers, and the accounts to log in with."""
    lines = [text("offers-tls", lang)] if policy.tls else []
    for account in policy.accounts if policy.auth else ():
        fields = {"name": show_bytes(account.name.encode()),
                  "password": show_bytes(account.password.encode())}
        lines.append(text("app-password", lang, code=account.app_password, **fields)
                     if account.app_password else text("account", lang, **fields))
    return [("class:dim", line + "\n") for line in lines]


def security_parts(view: SessionView, lang: str) -> list[tuple[str, str]]:
    """``auth: student`` for the toolbar, once logged in (TLS is shown by the state)."""
    if view.user is None:
        return []
    return [(text("auth", lang), show_bytes(view.user.encode()) if view.user else "✓")]
