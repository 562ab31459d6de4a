"""A lesson's ``[setup]``: the server it needs, checked, and what the engine lacks for it.

The engine gives limits (SIZE, recipients), bare-LF tolerance, the idle timeout (the lesson
clock passes it), the scenarios (``realistic``: mailboxes, relaying, greylisting, spam and
DMARC refusals, from ``lessons/scenarios/``), STARTTLS and AUTH. A setup asking for a feature
not in :data:`ENGINE_FEATURES` is kept, valid, and marked as needing it, so a course never
offers a lesson whose goals the server cannot reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from simulator.lessons.scenarios import builtin_names, from_options
from simulator.protocol import Policy
from simulator.protocol.auth import APP_STYLES, Account, AppStyle
from simulator.protocol.compliance import REQUIRABLE

from .model import Setup
from .problems import Problems

ENGINE_FEATURES: Final = frozenset({"strict", "limits", "idle-timeout", "realistic", "tls",
                                   "auth", "required-headers"})
"""What the engine in this tree can set up for a lesson."""

TLS_MODES: Final = ("offered", "required")
SETUP_FIELDS: Final = frozenset({"scenario", "max_size", "max_recipients", "idle_timeout",
                                 "accept_bare_lf", "tls", "auth", "greylist_delay",
                                 "sender_login_match", "required_headers", "rate_limit",
                                 "detail"})
ACCOUNT_FIELDS: Final = frozenset({"user", "password", "app_password", "style", "addresses"})
ACCOUNT_SHAPE: Final = ('expected a list of {user = "...", password = "..."}, each optionally with '
                        'app_password = "...", style = "app-password" (534, as Gmail) or '
                        '"authorization-code" (535, as QQ Mail), addresses = ["..."]')
DETAILS: Final = ("full", "brief", "none")
"""The console's :detail levels a lesson may start with."""
MAX_SECONDS: Final = 3600.0


def _seconds(p: Problems, where: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            0 < value <= MAX_SECONDS):
        p.add(where, f"expected seconds, more than 0 and at most {MAX_SECONDS:g}")
        return None
    return float(value)


def _positive(p: Problems, where: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        p.add(where, "expected a whole number, 1 or more")
        return None
    return value


def _account(entry: object) -> Account | None:
    """One ``auth`` entry, or None when it is not of :data:`ACCOUNT_SHAPE`."""
    if not isinstance(entry, Mapping) or not set(entry) <= ACCOUNT_FIELDS:
        return None
    user, password = entry.get("user"), entry.get("password")
    app, style = entry.get("app_password"), entry.get("style", AppStyle.GMAIL.value)
    addresses = entry.get("addresses", [])
    if not (isinstance(user, str) and isinstance(password, str) and user and password):
        return None
    if app is not None and not (isinstance(app, str) and app):
        return None
    if style not in APP_STYLES or (app is None and "style" in entry):
        return None
    if not (isinstance(addresses, list) and all(isinstance(a, str) and "@" in a
                                                for a in addresses)):
        return None
    return Account(user, password, app, APP_STYLES[style], tuple(addresses))


def _accounts(p: Problems, value: object) -> tuple[Account, ...]:
    if value is None:
        return ()
    accounts = [_account(entry) for entry in value] if isinstance(value, list) else [None]
    if None in accounts:
        p.add("setup.auth", ACCOUNT_SHAPE)
        return ()
    return tuple(account for account in accounts if account is not None)


def _flag(p: Problems, doc: Mapping[str, Any], name: str) -> bool:
    value = doc.get(name, False)
    if not isinstance(value, bool):
        p.add(f"setup.{name}", "expected true or false")
        return False
    return value


def _headers(p: Problems, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(v in REQUIRABLE for v in value):
        p.add("setup.required_headers", f"expected a list of {', '.join(REQUIRABLE)}")
        return ()
    return tuple(str(v) for v in value)


def parse_setup(p: Problems, table: object) -> tuple[Setup, tuple[str, ...]]:
    """The Setup of ``[setup]`` and the features it needs that the engine lacks."""
    if not isinstance(table, Mapping):
        p.add("setup", "expected a table")
        return Setup(), ()
    doc: Mapping[str, Any] = table
    p.unknown("setup", doc, SETUP_FIELDS)
    scenario = doc.get("scenario", "strict")
    if scenario not in builtin_names():
        p.add("setup.scenario", f"expected one of {', '.join(builtin_names())}")
        scenario = "strict"
    tls = doc.get("tls")
    if tls is not None and tls not in TLS_MODES:
        p.add("setup.tls", f"expected one of {', '.join(TLS_MODES)}")
        tls = None
    detail = doc.get("detail")
    if detail is not None and detail not in DETAILS:
        p.add("setup.detail", f"expected one of {', '.join(DETAILS)}")
        detail = None
    setup = Setup(
        max_size=_positive(p, "setup.max_size", doc.get("max_size")),
        max_recipients=_positive(p, "setup.max_recipients", doc.get("max_recipients")),
        idle_timeout=_seconds(p, "setup.idle_timeout", doc.get("idle_timeout")),
        accept_bare_lf=_flag(p, doc, "accept_bare_lf"), scenario=str(scenario), tls=tls,
        auth=_accounts(p, doc.get("auth")),
        greylist_delay=_seconds(p, "setup.greylist_delay", doc.get("greylist_delay")),
        sender_login_match=_flag(p, doc, "sender_login_match"),
        required_headers=_headers(p, doc.get("required_headers")),
        rate_limit=_positive(p, "setup.rate_limit", doc.get("rate_limit")),
        detail=detail,
    )
    return setup, needs(setup)


def needs(setup: Setup) -> tuple[str, ...]:
    """The features ``setup`` asks for that :data:`ENGINE_FEATURES` lacks, in a fixed order."""
    wanted = {
        "realistic": (setup.scenario == "realistic" or setup.greylist_delay is not None
                      or setup.rate_limit is not None),
        "tls": setup.tls is not None,
        "auth": bool(setup.auth),
        "required-headers": bool(setup.required_headers),
    }
    return tuple(name for name, asked in wanted.items() if asked and name not in ENGINE_FEATURES)


LESSON_SEED: Final = 1
"""The scenario's seed: a lesson plays the same way every time."""


def policy_for(setup: Setup) -> Policy:
    """The engine's policy for a lesson's setup (only what the engine supports)."""

    base = Policy()
    scenario = from_options(setup.scenario, greylist_delay=setup.greylist_delay,
                            rate_limit=setup.rate_limit, seed=LESSON_SEED)
    return Policy(
        max_message_size=setup.max_size or base.max_message_size,
        max_recipients=setup.max_recipients or base.max_recipients,
        accept_bare_lf=setup.accept_bare_lf,
        scenario=scenario,
        tls=setup.tls is not None, require_tls=setup.tls == "required",
        auth=bool(setup.auth),
        accounts=setup.auth or base.accounts,
        sender_login_match=setup.sender_login_match,
        required_headers=setup.required_headers,
    )
