"""Every verdict of the Authentication-Results field explained, in en and zh."""

from __future__ import annotations

import pytest

from simulator.lessons.verdicts import verdict_lines
from simulator.protocol.dmarc import DmarcResult
from simulator.protocol.spf import RESULTS, SpfResult
from simulator.protocol.verdicts import DkimResult, Verdicts
from tests.wording import says


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spf", RESULTS)
def test_every_spf_result_is_explained_naming_domain_and_client(lang: str, spf: str) -> None:
    lines = verdict_lines(Verdicts(SpfResult(spf, "bank.example", "192.0.2.1", "-all"), (),
                                   None), lang)
    assert lines[1].startswith(f"spf={spf}")
    assert "bank.example" in lines[1]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("dkim", "dmarc", "wanted"), [
    (("pass",), ("pass", "reject", "dkim"), ("dkim=pass", "dmarc=pass", "dkim")),
    (("fail",), ("fail", "reject", ""), ("dkim=fail", "dmarc=fail", "550 5.7.26")),
    (("permerror",), ("fail", "quarantine", ""), ("dkim=permerror", "p=quarantine")),
    ((), ("fail", "none", ""), ("dkim=none", "p=none")),
    ((), ("none", "none", ""), ("dmarc=none", "_dmarc.example.org")),
    ((), ("permerror", "none", ""), ("dmarc=permerror",)),
])
def test_dkim_and_dmarc_verdicts(lang: str, dkim: tuple[str, ...], dmarc: tuple[str, str, str],
                                 wanted: tuple[str, ...]) -> None:
    verdicts = Verdicts(None, tuple(DkimResult(r, "example.org", "s1") for r in dkim),
                        DmarcResult(dmarc[0], "example.org", dmarc[1], dmarc[2]))
    text = "\n".join(verdict_lines(verdicts, lang))
    assert all(word in text for word in wanted), text


def test_no_author_no_dmarc() -> None:
    assert says(verdict_lines(Verdicts(None, (), None), "en")[-1], "verdicts.dmarc-no-from")
