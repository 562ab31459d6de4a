"""List the string literals of the tests that pin wording of the lesson data (issue 26).

``python -m tests.wording_audit [--all] [ROOT]`` prints ``file:line: literal  <- where`` for each
literal of 12 or more characters, of at least two words, that is text of a ``lessons/**/*.toml``
value: inside one of its pieces (the text between ``{placeholders}``), or made of its pieces
and of what fills the placeholders between them (``"✓ Step 1 done"``). Reply text of
``protocol/replies.py`` is the wire and is not counted, nor SMTP command lines. By default only
literals in an ``assert`` statement or a ``match=`` argument count; ``--all`` counts every
literal of a test file (``learner.sees("...")``, expected tables). A heuristic: it finds the
candidates, a reader decides; tests whose point is the wording itself (the glossary) are listed
too. The count goes to standard error.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

MIN = 12
PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")
VERBS = re.compile(r"^(EHLO|HELO|MAIL|RCPT|DATA|RSET|NOOP|QUIT|VRFY|EXPN|HELP|AUTH|STARTTLS|"
                   r"BDAT)\b", re.I)
TYPED = re.compile(r"^(:\w|\w+> |(Subject|From|To|Cc|Bcc|Final-Recipient|Received|Date|"
                   r"Message-ID|DKIM-Signature): )")
"""What a user or a client types (a console command, a prompt, a header line), not wording."""
MARK = re.compile(r"^\s*(<-|->|<\*\*|\*\*>)?\s*(\d{3}[ -])?(\d\.\d{1,3}\.\d{1,3} )?")
WORD = re.compile(r"[^\W\d_]{4,}")


def _strings(node: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield node, where
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}[{index}]")


class Data:
    """Every text of the lesson data, split at its placeholders, indexed by its words."""

    def __init__(self, root: Path) -> None:
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.by_word: dict[str, set[int]] = defaultdict(set)
        for path in sorted((root / "lessons").rglob("*.toml")):
            document = tomllib.loads(path.read_text("utf-8"))
            name = path.relative_to(root / "lessons").as_posix()
            for value, where in _strings(document, name):
                pieces = tuple(p.replace("{{", "{").replace("}}", "}")
                               for p in PLACEHOLDER.split(value))
                number = len(self.texts)
                self.texts.append((pieces, where))
                for word in WORD.findall(value.lower()):
                    self.by_word[word].add(number)
                for char in value:
                    if "\u4e00" <= char <= "\u9fff":
                        self.by_word[char].add(number)

    def source(self, literal: str) -> str | None:
        keys = {*WORD.findall(literal.lower()), *(c for c in literal if "\u4e00" <= c <= "\u9fff")}
        candidates = set().union(*(self.by_word.get(key, set()) for key in keys)) if keys else set()
        for number in sorted(candidates):
            pieces, where = self.texts[number]
            if _covers(literal, pieces):
                return where
        return None


def _covers(literal: str, pieces: tuple[str, ...]) -> bool:
    """Whether ``literal`` is inside one piece, or is pieces (whole inside, cut at its two
    ends) with placeholder values between them, the pieces making most of it."""
    if any(literal in piece for piece in pieces):
        return True
    covered = sum(len(piece) for piece in pieces if len(piece.strip()) >= 4 and piece in literal)
    head = max((n for piece in pieces for n in range(4, min(len(piece), len(literal)) + 1)
                if piece.endswith(literal[:n])), default=0)
    tail = max((n for piece in pieces for n in range(4, min(len(piece), len(literal)) + 1)
                if piece.startswith(literal[-n:])), default=0)
    return covered + head + tail >= 0.6 * len(literal) and (covered or (head and tail))


def _wire(root: Path) -> str:
    sys.path.insert(0, str(root))
    from simulator.protocol.replies import CATALOGUE

    return "\n".join(piece for spec in CATALOGUE.values()
                     for piece in PLACEHOLDER.split(spec.template)).lower()


def _literals(tree: ast.AST, everywhere: bool) -> Iterator[tuple[str, int]]:
    def constants(node: ast.AST) -> Iterator[tuple[str, int]]:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                yield sub.value, sub.lineno

    if everywhere:
        yield from constants(tree)
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            yield from constants(node)
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "match":
                    yield from constants(keyword.value)


def _prose(literal: str, wire: str) -> bool:
    core = MARK.sub("", literal.strip(), count=1).strip()
    if len(literal.strip()) < MIN or VERBS.match(core) or TYPED.match(core) or core.lower() in wire:
        return False
    chinese = sum("\u4e00" <= c <= "\u9fff" for c in core)
    return chinese >= 4 or (" " in core and len(re.findall(r"[^\W\d_]{2,}", core)) >= 2)


def audit(root: Path, everywhere: bool) -> list[tuple[str, int, str, str]]:
    data, wire = Data(root), _wire(root)
    hits = []
    for path in sorted((root / "tests").rglob("*.py")):
        if path.name in {"wording_audit.py", "test_wording.py"}:  # the helper's own examples
            continue
        seen: set[tuple[str, int]] = set()
        for literal, line in _literals(ast.parse(path.read_text("utf-8")), everywhere):
            if (literal, line) in seen or not _prose(literal, wire):
                continue
            seen.add((literal, line))
            where = data.source(literal.strip())
            if where:
                hits.append((path.relative_to(root).as_posix(), line, literal, where))
    return hits


def main(argv: list[str]) -> int:
    everywhere = "--all" in argv
    roots = [arg for arg in argv if not arg.startswith("--")]
    root = Path(roots[0] if roots else ".").resolve()
    hits = audit(root, everywhere)
    for file, line, literal, where in hits:
        print(f"{file}:{line}: {literal!r}  <- {where}")
    print(f"{len(hits)} literals in {len({hit[0] for hit in hits})} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
