"""``GET /r/<token>``: a member opens a lesson's reading link (``models.reading``).

The opening is recorded on their study record and the browser is sent on to the lesson (302).
Two statements: the lesson's url, and the upsert of the opening; a first opening adds the study
points' two, the caps' sum and the ledger entry (``models.study_points``). A link that is not one of ours (mistyped, cut short,
altered) or whose lesson left the library gets a short page in Chinese saying what to do (404);
nothing is recorded.

A HEAD request, or one a browser marks as a prefetch (``Sec-Purpose``/``Purpose: prefetch``),
is not a member reading: it gets the same redirect, and nothing is recorded. Answers are never
cached (``Cache-Control: no-store``), so every opening reaches the server, and the lesson's site
is not told the link (``Referrer-Policy: no-referrer``).
"""
from __future__ import annotations

import html
import logging

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from models.reading import LINK_PATH, lesson_url, link_key, read_token, record_opening
from models.study_points import award_study_points

log = logging.getLogger(__name__)

BAD_LINK = ("这个学习链接打不开", "链接可能不完整或已失效。请回到公众号，发送“学习”重新获取今天的学习资料。")
GONE = ("这篇学习资料已下架", "请回到公众号，发送“学习”看看新的学习资料。")
BUSY = ("系统正忙", "请稍后再点开这个链接。着急的话，请拨打服务热线 {hotline}。")
PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 3em 1.5em; line-height: 1.6">
<h3>{title}</h3><p>{text}</p></body></html>
"""
NOT_CACHED = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def make_blueprint() -> Blueprint:
    """The reading links' route, ``/r/<token>`` (GET, and HEAD as Flask adds it)."""
    bp = Blueprint("reading", __name__)
    bp.add_url_rule(f"{LINK_PATH}<token>", "open", open_link, methods=["GET"])
    return bp


def open_link(token: str) -> Response:
    """Check the token, record the opening (not for HEAD or a prefetch), redirect to the lesson."""
    rt: Runtime = current_app.extensions["kiteline"]
    ids = read_token(link_key(rt.settings), token)
    if ids is None:
        return _page(BAD_LINK, 404)
    member_id, lesson_id = ids
    url = None
    try:
        with rt.session() as s:
            url = lesson_url(s, lesson_id)
            if url is not None and _reading():
                now = rt.clock.now()
                if record_opening(s, member_id, lesson_id, now):
                    award_study_points(s, member_id, lesson_id, now, rt.settings.points)
                s.commit()
    except SQLAlchemyError as exc:
        # The member came to read: when the lesson is known, they still get it, unrecorded.
        log.error("reading link of lesson %s not recorded: %s", lesson_id, type(exc).__name__)
        if url is None:
            return _page(BUSY, 503)
    if url is None:
        return _page(GONE, 404)
    return Response(status=302, headers={"Location": url, **NOT_CACHED})


def _reading() -> bool:
    """Whether this request is a person opening the link: not a HEAD (link checkers, crawlers)
    nor a browser's prefetch (Fetch spec's ``Sec-Purpose``, Chrome's older ``Purpose``)."""
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    return request.method == "GET" and "prefetch" not in purpose.lower()


def _page(words: tuple[str, str], status: int) -> Response:
    rt: Runtime = current_app.extensions["kiteline"]
    title, text = words
    text = text.format(hotline=rt.settings.district.service_hotline)
    body = PAGE.format(title=html.escape(title), text=html.escape(text))
    return Response(body, status=status, mimetype="text/html", headers=NOT_CACHED)
