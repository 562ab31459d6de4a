"""The ASGI app of ``serve --web`` (Starlette): students' pages, the teacher's, their live
streams, the static files.

Every page is drawn from the class model the dashboard draws (``SharedClass``), by
:mod:`simulator.render.webpages`, in a worker thread (:meth:`Site.render`: never on the loop
the SMTP sessions run on); the live streams (:mod:`.streams`) are Server-Sent Events (plain
HTTP, so they pass proxies; the browser reconnects by itself) that look at the model's
version a few times a second and send what is new as JSON the page's script sets as
``textContent``.
Bounded: at most ``max_streams`` streams at once (``--max-clients``; one more is told 503),
a transcript page holds PAGE_SIZE exchanges. The teacher's pages need the token printed at
start when the server listens beyond loopback (``?token=`` once, then a cookie); a
student's page is named by its own unguessable token.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Final

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from simulator.lessons.classmodel.model import SessionRecord
from simulator.lessons.load import LANGS
from simulator.lessons.ui import text
from simulator.render import webpages
from simulator.render.html import message_view, session_messages

from .site import Site
from .streams import class_events, sse, transcript_events

__all__ = ["Site", "make_app"]

COOKIE: Final = "smtp_sim_teacher"


def make_app(site: Site) -> Starlette:
    """The app: its routes over ``site``."""
    from .console import console_socket

    return Starlette(routes=[
        Route("/", lambda request: RedirectResponse("/teacher", 303)),
        Route("/s/{token}", partial_of(site, student_page)),
        Route("/s/{token}/events", partial_of(site, student_events)),
        Route("/s/{token}/m/{queue}", partial_of(site, student_message)),
        Route("/teacher", partial_of(site, teacher_page, teacher=True)),
        Route("/teacher/events", partial_of(site, teacher_events, teacher=True)),
        Route("/teacher/s/{sid}", partial_of(site, teacher_session, teacher=True)),
        Route("/teacher/s/{sid}/events", partial_of(site, teacher_session_events, teacher=True)),
        Route("/teacher/m/{queue}", partial_of(site, teacher_message, teacher=True)),
        Route("/console", partial_of(site, console_page)),
        WebSocketRoute("/console/ws", partial(console_socket, site)),
        Mount("/static", StaticFiles(packages=[("simulator.faces.web", "static")])),
    ])


Handler = Callable[[Site, Request, str], Awaitable[Response]]


def partial_of(site: Site, handler: Handler, *, teacher: bool = False,
               ) -> Callable[[Request], Awaitable[Response]]:
    """A route's endpoint: the language chosen, the teacher's token checked."""

    async def endpoint(request: Request) -> Response:
        lang = request.query_params.get("lang", site.lang)
        lang = lang if lang in LANGS else site.lang
        if not teacher or site.teacher_token is None:
            return await handler(site, request, lang)
        given = request.query_params.get("token") or request.cookies.get(COOKIE) or ""
        if not secrets.compare_digest(given.encode(), site.teacher_token.encode()):
            return _refused(lang, 403, "web.forbidden-title", "web.forbidden")
        response = await handler(site, request, lang)
        if request.query_params.get("token"):
            response.set_cookie(COOKIE, site.teacher_token, httponly=True, samesite="strict")
        return response

    return endpoint


def _refused(lang: str, status: int, title: str, key: str, **fields: object) -> HTMLResponse:
    return HTMLResponse(webpages.refusal(lang, title, key, **fields), status_code=status)


def _not_found(lang: str) -> HTMLResponse:
    return _refused(lang, 404, "web.not-found-title", "web.not-found")


def _record(site: Site, session_id: str | None) -> SessionRecord | None:
    if session_id is None:
        return None
    return site.shared.model.sessions.get(session_id)


async def student_page(site: Site, request: Request, lang: str) -> Response:
    token = request.path_params["token"]
    sid, peer = site.pages.named(token) or (None, "")
    return await site.render(partial(_transcript_page, site, request, lang, sid, f"/s/{token}",
                                     f"/s/{token}/m/", early=peer))


async def teacher_session(site: Site, request: Request, lang: str) -> Response:
    sid = request.path_params["sid"]
    return await site.render(partial(_transcript_page, site, request, lang, sid,
                                     f"/teacher/s/{sid}", "/teacher/m/"))


def _transcript_page(site: Site, request: Request, lang: str, sid: str | None, here: str,
                     messages: str, *, early: str | None = None) -> Response:
    """A session's page; ``early``: a student's page may be opened before the class model
    has the session's greeting (the log thread takes it in a batch), so a session the
    token names shows empty, its client address ``early`` (the page knows it from the
    connection), and fills in live."""
    number = _number(request.query_params.get("page"))
    with site.shared.lock:
        record = _record(site, sid)
        if record is None and early is not None and sid is not None:
            record = SessionRecord(sid, early, started=0.0)
        if record is None:
            return _not_found(lang)
        steps = webpages.step_items(site.shared.model, record, lang)
        body, shown, end = webpages.transcript_body(record, lang, number, here, messages,
                                                    steps)
        title = text("web.student-title", lang, id=record.session_id, peer=record.peer)
    events = f"{here}/events?lang={lang}&shown={shown}&end={end}"
    return HTMLResponse(webpages.page(title, lang, body, events=events, here=here))


def _number(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() and len(value) < 6 else 0


async def student_events(site: Site, request: Request, lang: str) -> Response:
    token = request.path_params["token"]
    sid = site.pages.session(token)
    return _stream(site, request, lang, sid, f"/s/{token}/m/")


async def teacher_session_events(site: Site, request: Request, lang: str) -> Response:
    return _stream(site, request, lang, request.path_params["sid"], "/teacher/m/")


def _stream(site: Site, request: Request, lang: str, sid: str | None,
            messages: str) -> Response:
    if sid is None:
        return _not_found(lang)
    if site.streams >= site.max_streams:
        return _refused(lang, 503, "web.not-found-title", "web.busy", limit=site.max_streams)
    shown = _number(request.query_params.get("shown"))
    end = _number(request.query_params.get("end")) or webpages.PAGE_SIZE
    return sse(site, transcript_events(site, sid, lang, (shown, end), messages))


async def teacher_page(site: Site, request: Request, lang: str) -> Response:
    return await site.render(partial(_teacher_page, site, lang))


def _teacher_page(site: Site, lang: str) -> Response:
    with site.shared.lock:
        body = webpages.teacher_body(site.shared.model, lang, site.clock(), site.smtp)
    events = f"/teacher/events?lang={lang}"
    return HTMLResponse(webpages.page(text("web.teacher-title", lang), lang, body,
                                      events=events, here="/teacher"))


async def teacher_events(site: Site, request: Request, lang: str) -> Response:
    if site.streams >= site.max_streams:
        return _refused(lang, 503, "web.not-found-title", "web.busy", limit=site.max_streams)
    return sse(site, class_events(site, lang))


async def student_message(site: Site, request: Request, lang: str) -> Response:
    token = request.path_params["token"]
    sid = site.pages.session(token)
    return await site.render(partial(_message_page, site, lang, request.path_params["queue"],
                                     sid, f"/s/{token}"))


async def teacher_message(site: Site, request: Request, lang: str) -> Response:
    return await site.render(partial(_message_page, site, lang, request.path_params["queue"],
                                     None, "/teacher"))


def _message_page(site: Site, lang: str, queue: str, sid: str | None, back: str) -> Response:
    """One message (of session ``sid`` only, for a student's page)."""
    with site.shared.lock:
        model = site.shared.model
        records = [model.sessions[sid]] if sid in model.sessions else [] if sid else model.rows()
        found = next((m for r in records for m in session_messages(r) if m.queue_id == queue),
                     None)
    if found is None:
        return _not_found(lang)
    view = message_view(found)
    title = view.subject or text("web.no-subject", lang)
    body = webpages.message_body(view, lang, f"{back}?lang={lang}")
    return HTMLResponse(webpages.page(title, lang, body, here=f"{back}/m/{queue}"))


async def console_page(site: Site, request: Request, lang: str) -> Response:
    """A console in the browser: a line to type, the session explained under it."""
    return HTMLResponse(webpages.page(text("web.console-title", lang), lang,
                                      webpages.console_body(lang), here="/console"))
