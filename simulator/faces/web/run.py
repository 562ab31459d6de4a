"""``serve --web`` on the trio loop the SMTP server runs: Starlette under hypercorn's trio
worker, both stopped together (serve's Ctrl-C, SIGTERM or SIGHUP).

Hypercorn runs in serve's nursery: its shutdown trigger is the site's ``closing`` event,
set by :meth:`WebSite.stop` when serve's SMTP sessions are over (or when the web server is
cancelled), so the live streams end and the port is let go with the SMTP port. A web port
that cannot be bound is a :class:`ListenError` before any client is accepted (serve says
which port, and exits 2).
"""

from __future__ import annotations

import socket
from functools import partial
from typing import Any, Final, cast

import trio
from hypercorn.config import Config
from hypercorn.trio import serve

from simulator.lessons.classmodel.shared import SharedClass
from simulator.lessons.ui import text
from simulator.server.addresses import is_loopback, url_host
from simulator.server.tcp import ListenError

from .app import Site, make_app
from .pages import Pages

DEFAULT_PORT: Final = 8025
GRACE_SECONDS: Final = 0.5
"""How long open pages get to finish at shutdown (their live streams end at once)."""
WILDCARDS: Final = frozenset({"0.0.0.0", "::", ""})
TEACHER_TOKEN_BYTES: Final = 16


class WebSite:
    """What serve needs of the running web server: each session's page, the start lines."""

    def __init__(self, site: Site, base_url: str) -> None:
        self.site = site
        self.base_url = base_url

    def stop(self) -> None:
        """Stop serving: the live streams end, hypercorn closes its port (serve calls this
        once its SMTP sessions are over)."""
        self.site.closing.set()

    def watch(self, session_id: str, peer: str = "") -> str:
        """The address of a new page for ``session_id`` (its greeting names it)."""
        return self.site.pages.watch(session_id, peer)

    def counted_as(self, peer: str) -> str | None:
        """The browser's address when ``peer`` is a browser console's connection (it counts
        against that address's ``--max-per-client``); None for any other client."""
        return self.site.consoles.get(peer)

    def announce(self, smtp_host: str, smtp_port: int) -> list[str]:
        """The lines serve prints at start: where the pages are, the teacher's address
        (with its token when the server listens beyond loopback)."""
        self.site.smtp = (public_host(smtp_host), smtp_port)
        loopback = "::1" if ":" in smtp_host else "127.0.0.1"
        self.site.smtp_connect = (loopback if smtp_host in WILDCARDS else smtp_host, smtp_port)
        lang = self.site.lang
        host, _, port = self.base_url.removeprefix("http://").rpartition(":")
        teacher = f"{self.base_url}/teacher"
        if self.site.teacher_token is not None:
            teacher += f"?token={self.site.teacher_token}"
        return [text("web.listening", lang, host=host, port=port),
                text("web.teacher-url", lang, url=teacher)]


def public_host(host: str) -> str:
    """The host students' browsers reach: the one bound, or this machine's name when the
    server listens on every address."""
    return url_host(socket.gethostname() if host in WILDCARDS else host)


async def run_web(shared: SharedClass, *, host: str, port: int = DEFAULT_PORT,
                  lang: str = "en", max_streams: int = 200,
                  task_status: trio.TaskStatus[WebSite] = trio.TASK_STATUS_IGNORED) -> None:
    """Serve the pages until cancelled; ``task_status.started`` gets the :class:`WebSite`
    once the port is bound (port 0: any free one)."""
    teacher = None if is_loopback(host) else teacher_token()
    site = Site(shared, Pages(""), lang, max_streams, teacher)
    config = Config()
    config.bind = [f"{url_host(host)}:{port}"]
    config.accesslog = None
    config.loglevel = "WARNING"
    config.graceful_timeout = GRACE_SECONDS
    # Starlette is an ASGI 3 app; hypercorn's types spell the same protocol differently
    app = cast(Any, make_app(site))
    bound: list[WebSite] = []
    try:
        async with trio.open_nursery() as nursery:
            binds = await nursery.start(partial(serve, app, config,
                                                shutdown_trigger=site.closing.wait))
            base = f"http://{public_host(host)}:{int(str(binds[0]).rsplit(':', 1)[1])}"
            site.pages.base_url = base
            bound.append(WebSite(site, base))
            task_status.started(bound[0])
            await site.closing.wait()  # then hypercorn shuts down too (its trigger)
    except BaseException as err:
        found = None if bound else _os_error(err)
        if found is None:
            raise
        raise ListenError(host, port, found) from None  # the port: before anything started
    finally:
        site.closing.set()


def teacher_token() -> str:
    """The teacher's token (printed at start, then kept in the teacher's browser)."""
    import secrets

    return secrets.token_urlsafe(TEACHER_TOKEN_BYTES)


def _os_error(err: BaseException) -> OSError | None:
    """The OSError of a failed bind, also inside the exception groups of trio's nurseries."""
    if isinstance(err, OSError):
        return err
    if isinstance(err, BaseExceptionGroup):
        for inner in err.exceptions:
            if (found := _os_error(inner)) is not None:
                return found
    return None
