"""``:connect HOST[:PORT]``: close this session and open one with a host of the lab's DNS
zone, played in-process (which hosts and ports there are: ``client/labhosts.py``). Never a
network connection, never real DNS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.client.labhosts import Refusal, Target, lab_policy, lab_target
from simulator.protocol import Policy

from .context import ConsoleContext
from .labcert import certificate_for

if TYPE_CHECKING:
    from simulator.server.secure import Prepared


def lab_server(policy: Policy, target: Target) -> tuple[Policy, Prepared]:
    """The built-in server that plays the lab host ``target`` of ``policy``'s zone: its
    policy and its certificate."""
    policy = lab_policy(policy, target)
    return policy, certificate_for(policy)


async def connect(ctx: ConsoleContext, args: tuple[str, ...]) -> bool:
    """``:connect HOST[:PORT]``: close this session and open one with that lab host."""
    if ctx.settings.connect_to is not None:
        ctx.say("connect-remote", "class:code.5xx")
        return False
    link = ctx.link
    found = lab_target(link.policy.scenario.zone, args[0])
    if isinstance(found, Refusal):
        ctx.say(found.key, "class:code.5xx", **found.fields)
        return False
    await ctx.close()
    link.serve(*lab_server(link.policy, found))
    ctx.say(f"connect-lab-{found.port}", host=found.host, port=found.port)
    await ctx.open()
    return False
