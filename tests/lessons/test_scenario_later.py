"""A scenario's [later] table: the realistic one fails gone@ after the 250; a bad table is
refused whole, naming the file and the field, in the checker's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.lessons.scenarios import ScenarioError, load_scenario
from simulator.lessons.ui import text

NOTICE = 'notice = { en = "Mail system at {host}.", zh = "{host} 上的邮件系统。" }\n'


def test_the_realistic_scenario_fails_gone_after_the_250() -> None:
    later = load_scenario("realistic").later
    (failure,) = later.failures
    assert failure.address.matches("gone@example.com") and failure.reply == "rcpt.user-unknown"
    assert [lang for lang, _ in later.notice] == ["en", "zh"]


def test_a_file_on_realistic_keeps_its_later_table(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('base = "realistic"\n', encoding="utf-8")
    assert load_scenario(str(path)).later == load_scenario("realistic").later


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("body", "field", "key"), [
    ('later = 3\n', "later", "later-table"),
    ('[later]\nnotice = { en = "x" }\n', "later.notice", "later-notice"),
    (f'[later]\n{NOTICE}[[later.failure]]\naddress = "gone"\nreply = "rcpt.user-unknown"\n',
     "later.failure[0].address", "later-address"),
    (f'[later]\n{NOTICE}[[later.failure]]\naddress = "gone@*"\nreply = "data.accepted"\n',
     "later.failure[0].reply", "later-reply"),
    (f'[later]\n{NOTICE}[[later.failure]]\naddress = "gone@*"\nreply = "rcpt.user-unknown"\n'
     'remote = "two words"\n', "later.failure[0].remote", "later-remote"),
])
def test_a_bad_later_table_names_the_file_and_field(tmp_path: Path, lang: str, body: str,
                                                    field: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        load_scenario(str(path), lang=lang)
    said = str(refused.value)
    assert said.startswith(f"{path}: {field}: ")
    first_words = text(f"scenario-file.{key}", lang).split("{")[0][:8]
    assert first_words in said
