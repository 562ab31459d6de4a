"""The shape of one option's value is argparse's to check (cli/values.py, cli/args.py's
docstring): a value of the wrong shape never reaches a record or a face, and is said as every
command-line mistake is, the usage and then the option's own sentence, in the user's
language."""

from __future__ import annotations

import pytest

from simulator.cli.command import parse_options
from simulator.lessons.ui import text
from simulator.options.records import ServeOptions

SHAPES = [
    (["--port", "99999"], "serve.bad-port", {"port": 99999}),
    (["--port", "-1"], "serve.bad-port", {"port": -1}),
    (["--tls-port", "70000"], "options.bad-tls-port", {"port": 70000}),
    (["--max-clients", "0"], "serve.bad-max-clients", {}),
    (["--timeout", "0"], "serve.bad-seconds", {"option": "--timeout"}),
    (["--data-block-timeout", "-1"], "serve.bad-seconds", {"option": "--data-block-timeout"}),
    (["--data-timeout", "nan"], "serve.bad-seconds", {"option": "--data-timeout"}),
    (["--memory-limit", "0"], "serve.bad-memory-limit", {}),
    (["--max-size", "-5"], "serve.bad-max-size", {}),
    (["--hostname", "evil\r\n250 x"], "serve.bad-hostname", {}),
    (["--hostname", "bad_host!"], "serve.bad-hostname", {}),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("argv", "key", "fields"), SHAPES)
def test_a_value_of_the_wrong_shape_is_refused_where_argparse_reads_it(
        argv: list[str], key: str, fields: dict[str, object], lang: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        parse_options(["--lang", lang, "serve", *argv])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(text("argparse.usage-prefix", lang) + "smtp-sim serve")
    # the option's own sentence names it: argparse's "argument --port:" does not repeat it
    assert err.rstrip("\n").splitlines()[-1] == text(
        "argparse.error", lang, prog="smtp-sim serve", message=text(key, lang, **fields))


@pytest.mark.parametrize(("argv", "said"), [
    (["--max-clients", "many"], "argument --max-clients: 'many' is not a whole number"),
    (["--tls-port", "smtps"], "argument --tls-port: 'smtps' is not a whole number"),
    (["--data-timeout", "soon"], "argument --data-timeout: 'soon' is not a number"),
    (["--max-size", "1.5"], "argument --max-size: '1.5' is not a whole number"),
])
def test_what_is_no_number_at_all_is_said_in_argparse_s_words(
        argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_options(["serve", *argv])
    assert capsys.readouterr().err.rstrip("\n").splitlines()[-1] == f"smtp-sim serve: error: {said}"


def test_the_edges_of_each_shape_are_kept() -> None:
    options = parse_options(["serve", "--port", "0", "--tls-port", "65535", "--max-clients", "1",
                             "--timeout", "0.5", "--data-timeout", "1e3", "--memory-limit", "1",
                             "--max-size", "1", "--hostname", "mx-1.school.example"])
    assert isinstance(options, ServeOptions)
    assert (options.port, options.security.tls_port, options.max_clients) == (0, 65535, 1)
    assert (options.timeout, options.data_timeout) == (0.5, 1000.0)
    assert (options.memory_limit, options.max_size) == (1, 1)
    assert options.hostname == "mx-1.school.example"
