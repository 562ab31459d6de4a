"""A demo frame fits its screen exactly, in both languages, wide and narrow."""

from __future__ import annotations

import pytest

from simulator.client.demoplayer import DemoPlayer, connection_factory
from simulator.client.demos import builtin_demo
from simulator.protocol import Policy
from simulator.render.demo import DemoView, demo_screen, split_lines
from simulator.render.wrap import text_width


async def played(name: str, lang: str, steps: int) -> DemoView:
    demo = builtin_demo(name)
    assert demo is not None
    script = demo.script(lang)
    player = DemoPlayer(script, connection_factory(Policy()))
    await player.seek(steps)
    await player.close()
    return DemoView(title=script.title(lang), lang=lang, greeting=player.greeting,
                    results=tuple(player.results), total=player.total,
                    caption=script.steps[steps - 1].caption)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("width", "height"), [(60, 20), (120, 35)])
async def test_a_frame_is_exactly_the_screen(lang: str, width: int, height: int) -> None:
    view = await played("first-mail", lang, 4)
    lines = split_lines(demo_screen(view, width, height))
    assert len(lines) == height
    assert all(text_width("".join(t for _, t in line)) <= width for line in lines)
    text = "\n".join("".join(t for _, t in line) for line in lines)
    assert ("step 4/6" if lang == "en" else "第 4/6 步") in lines[0][0][1]
    assert view.caption.split("。")[0][:10] in text.replace("\n", "")


async def test_the_end_says_so_and_only_the_newest_step_is_explained() -> None:
    view = await played("221-vs-500", "en", 7)
    text = "".join(t for _, t in demo_screen(view, 100, 200))
    assert "End of the demo" in text
    assert text.count("Why:") == 1  # the last step's reply only


def test_credentials_are_masked_on_the_projector_typed_and_sent() -> None:
    from simulator.client.connection import Answer, Step
    from simulator.client.demoplayer import StepResult
    from simulator.client.demoscript import DemoStep, Line, StepKind
    from simulator.render.masking import StepMasker

    challenge = Answer(b"334 VXNlcm5hbWU6\r\n", 334, None, ("VXNlcm5hbWU6",), False)
    steps = (Step(b"AUTH PLAIN AHN0dWRlbnQAc2VjcmV0\r\n", ()),
             Step(b"AUTH LOGIN\r\n", (challenge,)), Step(b"c3R1ZGVudA==\r\n", ()))
    result = StepResult(DemoStep(StepKind.SEND, (Line("AUTH LOGIN"),)), steps)
    view = DemoView(title="t", lang="en", greeting=None, results=(result,), total=2,
                    typing="AUTH PLAIN AHN0")
    text = "".join(t for _, t in demo_screen(view, 80, 20))
    assert " -> AUTH PLAIN ****\n" in text and " -> AUTH LOGIN\n" in text
    assert " -> ****\n" in text and "AHN0dWRl" not in text and "c3R1ZGVudA" not in text
    assert " -> " + "*" * 15 + "▌" in text  # still in the AUTH dialogue: all of it
    plain = DemoView(title="t", lang="en", greeting=None, results=(), total=2,
                     typing="AUTH PLAIN AHN0")
    assert " -> AUTH PLAIN ****▌" in "".join(t for _, t in demo_screen(plain, 80, 20))
    masker = StepMasker()
    masker.step(steps[1])
    assert masker.typed("c3R1") == "****"


ALICE = ("YWxpY2U=", "aHVudGVyMnBhc3M=", "AGFsaWNlAGh1bnRlcjJwYXNz")
"""alice, hunter2pass, and PLAIN's NUL alice NUL hunter2pass, in base64."""
PIPELINED_AUTH = (
    "EHLO client.example\n:pipeline\nAUTH LOGIN\nYWxpY2U=\naHVudGVyMnBhc3M=\n:end\n"
    ":reconnect\nEHLO client.example\n:pipeline\nAUTH PLAIN\nAGFsaWNlAGh1bnRlcjJwYXNz\n"
    "NOOP\n:end\n")


@pytest.mark.parametrize("upto", [2, 5])
async def test_a_pipelined_auth_is_masked_on_the_projector(upto: int) -> None:
    """AUTH LOGIN and its two answers (or AUTH PLAIN and its base64) in one write: each
    answer is masked, on the frame and while it is typed."""
    from simulator.client.demoscript import parse_script
    from simulator.protocol.auth import Account

    script = parse_script(PIPELINED_AUTH)
    policy = Policy(auth=True, accounts=(Account("alice", "hunter2pass"),))
    player = DemoPlayer(script, connection_factory(policy))
    await player.seek(upto)
    await player.close()
    assert [a.code for a in player.results[-1].steps[-1].answers][-1] in (235, 250)
    view = DemoView(title="t", lang="en", greeting=player.greeting,
                    results=tuple(player.results), total=player.total)
    text = "".join(t for _, t in demo_screen(view, 100, 400))
    assert text.count(" -> ****\n") == (2 if upto == 2 else 3)
    assert not any(secret in text for secret in ALICE)
    typing = DemoView(title="t", lang="en", greeting=player.greeting, results=(),
                      total=player.total, typed=("AUTH LOGIN", "YWxpY2U="),
                      typing="aHVudGVy")
    text = "".join(t for _, t in demo_screen(typing, 100, 40))
    assert " -> AUTH LOGIN\n -> ****\n -> ********▌" in text
