"""The authentication verdicts of an accepted message, explained: why each passed or failed,
which record decided, which alignment (``[verdicts]`` of ui.LANG.toml). Pure."""

from __future__ import annotations

from simulator.protocol.verdicts import Verdicts

from .ui import text


def verdict_lines(verdicts: Verdicts, lang: str) -> list[str]:
    """One sentence per verdict of the Authentication-Results field: spf, each dkim, dmarc."""
    lines = [text("verdicts.heading", lang)]
    spf = verdicts.spf
    if spf is None:
        lines.append(text("verdicts.spf-unjudged", lang))
    else:
        lines.append(text(f"verdicts.spf-{spf.result}", lang, domain=spf.domain,
                          client=spf.client, term=spf.term or "-"))
    for dkim in verdicts.dkim:
        lines.append(text(f"verdicts.dkim-{dkim.result}", lang, domain=dkim.domain,
                          selector=dkim.selector))
    if not verdicts.dkim:
        lines.append(text("verdicts.dkim-none", lang))
    dmarc = verdicts.dmarc
    if dmarc is None:
        lines.append(text("verdicts.dmarc-no-from", lang))
    elif dmarc.result == "fail":
        lines.append(text(f"verdicts.dmarc-fail-{dmarc.policy}", lang, domain=dmarc.domain))
    else:
        lines.append(text(f"verdicts.dmarc-{dmarc.result}", lang, domain=dmarc.domain,
                          aligned=dmarc.aligned, policy=dmarc.policy))
    return lines
