"""``:connect HOST[:PORT]``: close this session and open one with a host of the lab's DNS
zone, played in-process (which hosts and ports there are: ``client/labhosts.py``). Never a
network connection, never real DNS.
"""

from __future__ import annotations

from simulator.client.labhosts import Refusal, Target, lab_policy, lab_target

from .context import ConsoleContext


def play_host(ctx: ConsoleContext, target: Target) -> None:
    """Make ``ctx``'s built-in server the lab host ``target`` (for the next session)."""
    from .course import certificate_for

    ctx.policy = lab_policy(ctx.policy, target)
    ctx.security = certificate_for(ctx.policy)


async def connect(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """``:connect HOST[:PORT]``: close this session and open one with that lab host."""
    if ctx.connect_to is not None:
        ctx.say("connect-remote", "class:code.5xx")
        return False
    found = lab_target(ctx.policy.scenario.zone, args[0])
    if isinstance(found, Refusal):
        ctx.say(found.key, "class:code.5xx", **found.fields)
        return False
    await ctx.close()
    play_host(ctx, found)
    ctx.say(f"connect-lab-{found.port}", host=found.host, port=found.port)
    await ctx.open()
    return False
