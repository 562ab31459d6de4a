"""A scenario's [dns] zone, client_address and authentication conditions, as a teacher
writes them: good ones load, each bad one is refused naming the file, the name and the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.lessons.scenarios import load_scenario
from simulator.protocol.authmatch import AuthMatch
from tests.lessons.scenario_files import RULE, problems, write

ZONE = """
client_address = "198.51.100.9"
[dns]
"school.example" = { MX = ["10 mx.school.example"], TXT = ["v=spf1 ip4:198.51.100.0/24 -all"] }
"mx.school.example" = { A = ["198.51.100.25"], AAAA = ["2001:db8::25"] }
"9.100.51.198.in-addr.arpa" = { PTR = "mx.school.example" }
"""


def test_a_zone_loads_with_its_client_address(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, ZONE))
    assert scenario.client_address == "198.51.100.9"
    assert scenario.zone.lookup("school.example", "MX") == ("10 mx.school.example",)
    assert scenario.zone.lookup("9.100.51.198.in-addr.arpa", "PTR") == ("mx.school.example",)


def test_a_teachers_zone_adds_to_its_base_and_replaces_a_name(tmp_path: Path) -> None:
    text = 'base = "realistic"\n[dns]\n"_dmarc.yahoo.com" = { TXT = ["v=DMARC1; p=none"] }\n'
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.zone.lookup("_dmarc.yahoo.com", "TXT") == ("v=DMARC1; p=none",)
    assert scenario.zone.lookup("bank.example", "MX") == ("10 mx.bank.example",)


@pytest.mark.parametrize(("table", "field", "says"), [
    ('"x.example" = { A = ["192.0.2"] }', "dns.'x.example'.A", "'192.0.2' is not an IPv4"),
    ('"x.example" = { AAAA = ["192.0.2.1"] }', "dns.'x.example'.AAAA", "not an IPv6"),
    ('"x.example" = { MX = ["mx.example"] }', "dns.'x.example'.MX", "'mx.example'"),
    ('"x.example" = { PTR = ["no such name"] }', "dns.'x.example'.PTR", "'no such name'"),
    ('"x.example" = { CNAME = ["y.example"] }', "dns.'x.example'.CNAME", "A, AAAA, MX, TXT"),
    ('"x.example" = { TXT = [1] }', "dns.'x.example'.TXT", "list of texts"),
    ('"bad name.example" = { A = ["192.0.2.1"] }', "dns.'bad name.example'", "not a domain"),
    ('"x.example" = "192.0.2.1"', "dns.'x.example'", "table of types"),
])
def test_a_bad_record_is_refused_naming_file_name_and_record(
        tmp_path: Path, table: str, field: str, says: str) -> None:
    found = problems(tmp_path, f"[dns]\n{table}\n")
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'teacher.toml'}: {field}: "), found
    assert says in found[0]


def test_a_bad_client_address_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, 'client_address = "my laptop"\n')
    assert len(found) == 1 and "client_address" in found[0] and "'my laptop'" in found[0]


def test_the_problems_are_said_in_chinese_too(tmp_path: Path) -> None:
    from simulator.lessons.scenarios import check_file

    found = check_file(write(tmp_path, '[dns]\n"x.example" = { A = ["nope"] }\n'), lang="zh")
    assert "不是 IPv4 地址" in found[0]


def test_authentication_conditions_load_and_bad_ones_are_refused(tmp_path: Path) -> None:
    text = RULE.format(extra='match = { spf = ["fail", "softfail"], dmarc = "fail", '
                             'dmarc_policy = "reject", null_mx = false, fcrdns = false }')
    rule = load_scenario(write(tmp_path, text)).rules[0]
    assert rule.match.auth == AuthMatch(spf=("fail", "softfail"), dmarc=("fail",),
                                        dmarc_policy=("reject",), null_mx=False, fcrdns=False)
    wrong = problems(tmp_path, RULE.format(extra='match = { spf = "failed", fcrdns = 1 }'))
    assert any("match.spf: must be one of pass, fail, softfail" in p for p in wrong), wrong
    assert any("match.fcrdns: must be true or false" in p for p in wrong), wrong
