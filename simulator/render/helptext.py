"""The command line's help and errors as a reader wants them: wrapped by display width,
and argparse's own words (``usage:``, ``options:``, its error messages) in the language of
``--lang`` (``[argparse]`` in ``lessons/ui.LANG.toml``).

argparse offers no hook for its words but gettext, whose catalogue is process-wide; so the
usage prefix and headings are set per parser, and an error's English is matched against
argparse's own message ids and said again from the data.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Callable
from typing import Final, NoReturn

from simulator.lessons.load import LANGS
from simulator.lessons.ui import text

ARGPARSE_SAYS: Final = (
    ("argument", r"argument (?P<argument_name>.+?): (?P<message>.*)"),
    ("required", r"the following arguments are required: (?P<args>.*)"),
    ("unrecognized", r"unrecognized arguments: (?P<args>.*)"),
    ("not-allowed", r"not allowed with argument (?P<other>.*)"),
    ("ignored", r"ignored explicit argument (?P<value>.*)"),
    ("one-required", r"one of the arguments (?P<args>.*) is required"),
    ("expected-one", r"expected one argument"),
    ("expected-at-most-one", r"expected at most one argument"),
    ("expected-at-least-one", r"expected at least one argument"),
    ("ambiguous", r"ambiguous option: (?P<option>.*) could match (?P<matches>.*)"),
    ("invalid-type", r"invalid (?P<type>\w+) value: (?P<value>.*)"),
    ("invalid-choice", r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)"),
)
"""argparse's error messages (its gettext message ids, Python 3.11), each with its
``[argparse]`` key: argparse offers no other hook than gettext, whose catalogue is
process-wide, so its English is matched and said again in the user's language. Compiled
on the first error (:func:`_patterns`), not at every start."""


@functools.cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((key, re.compile(pattern)) for key, pattern in ARGPARSE_SAYS)


def in_lang(message: str, lang: str) -> str:
    """argparse's ``message`` in ``lang``; one it does not know (an option's own refusal)
    is kept as it is."""
    for key, pattern in _patterns():
        match = pattern.fullmatch(message)
        if match is None:
            continue
        fields = match.groupdict()
        if "message" in fields:
            fields["message"] = in_lang(fields["message"], lang)
        if fields.get("type") in ("int", "float"):
            fields["type"] = text(f"argparse.{fields['type']}", lang)
        return text(f"argparse.{key}", lang, **fields)
    return message


class Parser(argparse.ArgumentParser):
    """argparse's parser speaking the user's language: the usage line, the headings and
    the errors (``smtp-sim serve --port abc``) are ``[argparse]`` data too."""

    lang: str = LANGS[0]
    words: Callable[[], None] | None = None
    """Puts this parser's help texts in its language; run once, on first need (help,
    usage, an error), so a command line parsed without a mistake reads no text file."""

    def _in_words(self) -> None:
        if self.words is not None:
            words, self.words = self.words, None
            words()

    def format_usage(self) -> str:
        self._in_words()
        return super().format_usage()

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = super()._get_formatter()
        if isinstance(formatter, HelpFormatter):
            formatter.lang = self.lang  # its words read only if it writes a usage
        return formatter

    def format_help(self) -> str:
        """argparse's help, its headings ended as the language ends them (``选项：``)."""
        self._in_words()
        out = super().format_help()
        for group in self._action_groups:
            if group.title:
                heading = text("argparse.heading", self.lang, title=group.title)
                out = out.replace(f"\n{group.title}:\n", f"\n{heading}\n")
        return out

    def error(self, message: str) -> NoReturn:
        self._in_words()
        self.print_usage(sys.stderr)
        argument, _, said = message.partition(": ")
        if argument.startswith("argument ") and said.startswith(f"{argument[9:]} "):
            message = said  # an option's own sentence names it: not twice
        said = text("argparse.error", self.lang, prog=self.prog,
                    message=in_lang(message, self.lang))
        self.exit(2, said + "\n")


def _help_text(command: str, dest: str, lang: str) -> str | None:
    """``[cli] COMMAND-DEST``, else ``DEST`` (shared by every command), else None."""
    name = dest.replace("_", "-")
    for key in (f"cli.{command}-{name}", f"cli.{name}")[0 if command else 1:]:
        try:
            return text(key, lang)
        except KeyError:
            continue
    return None


def speak(parser: argparse.ArgumentParser, lang: str,
          said_in_lang: tuple[Callable[..., object], ...], command: str = "") -> None:
    """``parser`` and its subcommands set to speak ``lang``: the option types in
    ``said_in_lang`` (those that say their own refusal) get the language now, the help
    texts (:func:`localize`) on first need, so a command line parsed without a mistake
    reads no text at start-up."""
    if isinstance(parser, Parser):
        parser.lang = lang
        parser.words = functools.partial(localize, parser, lang, command)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                subparser.formatter_class = HelpFormatter
                speak(subparser, lang, said_in_lang, name)
        elif action.type in said_in_lang:
            said: Callable[..., object] = action.type
            action.type = functools.partial(said, lang=lang)


def localize(parser: argparse.ArgumentParser, lang: str, command: str = "") -> None:
    """Every help text of ``parser`` from ``[cli]`` in ``lang`` (its subcommands' one-line
    help too), and argparse's own words from ``[argparse]``."""
    parser._positionals.title = text("argparse.positionals", lang)
    parser._optionals.title = text("argparse.optionals", lang)
    if not command:
        # after the subcommands took their prog from the default usage: COMMAND is optional
        parser.usage = text("cli.usage", lang)
        parser.description = text("cli.description", lang)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.help = text("cli.commands", lang)
            for pseudo in action._choices_actions:
                pseudo.help = _help_text("command", pseudo.dest, lang) or pseudo.help
        elif action.help is not argparse.SUPPRESS:
            action.help = _help_text(command, action.dest, lang) or action.help


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, wrapped by display width at word or ideograph boundaries (its own
    textwrap counts characters and breaks only at spaces, so Chinese help overflowed)."""

    lang: str | None = None
    """The help's language, for ``usage: `` (argparse's own word when None)."""

    def add_usage(self, usage: str | None, actions: object, groups: object,
                  prefix: str | None = None) -> None:
        if prefix is None and self.lang is not None:
            prefix = text("argparse.usage-prefix", self.lang)
        super().add_usage(usage, actions, groups, prefix)  # type: ignore[arg-type]

    def _format_usage(self, usage: str | None, actions: object, groups: object,
                      prefix: str | None) -> str:
        """argparse indents the usage's later lines by the prefix's length in characters;
        ``用法：`` is wider than it is long, so they are moved under the program's name."""
        from .wrap import text_width  # wcwidth's import: only a help or usage pays it

        extra = text_width(prefix) - len(prefix) if prefix else 0
        self._width -= extra
        try:
            out: str = super()._format_usage(usage, actions, groups,  # type: ignore[arg-type]
                                             prefix)
        finally:
            self._width += extra
        return out.replace("\n ", "\n" + " " * (extra + 1)) if extra > 0 else out

    def _split_lines(self, text: str, width: int) -> list[str]:
        from .wrap import wrap_fragments  # wcwidth's import: only a help pays it

        wrapped = wrap_fragments([("", " ".join(text.split()))], max(width, 10))
        return "".join(part for _, part in wrapped).split("\n")

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))
