"""The sandbox's account-level state: the custom menu, QR codes, and injected faults.

Limits and codes from the WeChat docs (自定义菜单: ≤ 3 buttons of ≤ 16 bytes, each with ≤ 5
sub-buttons of ≤ 60 bytes, keys ≤ 128 bytes; 生成带参数的二维码: scene_str 1–64 characters,
temporary codes ≤ 30 days).
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, insert, select, update

from bot.sandbox.state import SandboxError, faults, menus, qrcodes

MAX_BUTTONS, MAX_SUB_BUTTONS = 3, 5
TEMPORARY_QR_MAX = dt.timedelta(days=30)
PERMANENT_ACTIONS = ("QR_LIMIT_SCENE", "QR_LIMIT_STR_SCENE")
TEMPORARY_ACTIONS = ("QR_SCENE", "QR_STR_SCENE")


# -- custom menu ---------------------------------------------------------------------------------
def create_menu(conn: Connection, body: dict, now: dt.datetime) -> None:
    """Validate and store a menu (the newest one is the account's menu)."""
    buttons = body.get("button") or []
    if not 1 <= len(buttons) <= MAX_BUTTONS:
        raise SandboxError(40016, "invalid button size")
    for button in buttons:
        subs = button.get("sub_button") or []
        _check_button(button, name_limit=16, codes=(40018, 40019, 40017), has_subs=bool(subs))
        if len(subs) > MAX_SUB_BUTTONS:
            raise SandboxError(40023, "invalid sub button size")
        for sub in subs:
            _check_button(sub, name_limit=60, codes=(40025, 40026, 40017), has_subs=False)
    conn.execute(insert(menus).values(body={"button": buttons}, created_at=now))


def _check_button(button: dict, *, name_limit: int, codes: tuple[int, int, int], has_subs: bool) -> None:
    name_code, key_code, type_code = codes
    if not 0 < len(str(button.get("name", "")).encode("utf-8")) <= name_limit:
        raise SandboxError(name_code, "invalid button name size")
    if has_subs:
        return
    kind = button.get("type")
    if kind == "click" and not 0 < len(str(button.get("key", "")).encode("utf-8")) <= 128:
        raise SandboxError(key_code, "invalid button key size")
    if kind == "view" and not str(button.get("url", "")).startswith(("http://", "https://")):
        raise SandboxError(40055, "invalid button url domain")
    if kind not in ("click", "view"):
        raise SandboxError(type_code, "invalid button type")


def current_menu(conn: Connection) -> dict:
    """The menu as ``menu/get`` returns it; 46003 when none was ever created."""
    row = conn.execute(select(menus).order_by(menus.c.id.desc()).limit(1)).first()
    if row is None:
        raise SandboxError(46003, "menu no exist")
    return {"menu": row.body}


# -- QR codes ------------------------------------------------------------------------------------
def create_qrcode(conn: Connection, body: dict, now: dt.datetime, url_base: str) -> dict:
    """``{ticket, url[, expire_seconds]}`` for a QR code carrying ``action_info.scene``;
    ``url`` (under ``url_base``) shows what the code carries, as scanning it would."""
    action = body.get("action_name")
    scene = ((body.get("action_info") or {}).get("scene")) or {}
    if action not in PERMANENT_ACTIONS + TEMPORARY_ACTIONS:
        raise SandboxError(40097, "invalid args: action_name")
    if action.endswith("STR_SCENE"):
        if not 1 <= len(str(scene.get("scene_str", ""))) <= 64:
            raise SandboxError(40097, "invalid args: scene_str must be 1-64 characters")
    elif not isinstance(scene.get("scene_id"), int) or scene["scene_id"] <= 0:
        raise SandboxError(40097, "invalid args: scene_id")
    expires_at = None
    if action in TEMPORARY_ACTIONS:
        seconds = min(int(body.get("expire_seconds") or 60), int(TEMPORARY_QR_MAX.total_seconds()))
        expires_at = now + dt.timedelta(seconds=seconds)
    ticket = "gQ" + secrets.token_urlsafe(24)
    conn.execute(insert(qrcodes).values(ticket=ticket, action_name=action, scene=scene,
                                        expires_at=expires_at, created_at=now))
    answer: dict[str, Any] = {"ticket": ticket, "url": f"{url_base.rstrip('/')}/sandbox/qrcodes/{ticket}"}
    if expires_at is not None:
        answer["expire_seconds"] = int((expires_at - now).total_seconds())
    return answer


def qrcode(conn: Connection, ticket: str) -> dict | None:
    """What a QR code carries: ``{ticket, action_name, scene, permanent}``, or ``None``."""
    row = conn.execute(select(qrcodes).where(qrcodes.c.ticket == ticket)).first()
    if row is None:
        return None
    return {"ticket": row.ticket, "action_name": row.action_name, "scene": row.scene,
            "permanent": row.action_name in PERMANENT_ACTIONS}


# -- faults --------------------------------------------------------------------------------------
class Fault(NamedTuple):
    """One call's injected fault. ``after_accept``: the platform does the work (the user gets
    the message), then waits ``latency_ms`` before answering; otherwise it waits first."""

    errcode: int | None
    errmsg: str
    latency_ms: int
    after_accept: bool


def add_fault(conn: Connection, spec: dict) -> dict:
    """Store a fault for calls to ``path`` (e.g. ``message/custom/send``): they wait
    ``latency_ms`` and/or answer ``errcode``. With ``count`` (default 1) it applies to the next
    ``count`` calls; with ``rate`` (0 < rate ≤ 1) to that share of every call, drawn at random,
    until the faults are cleared (the rates of one path add up). Raises :class:`ValueError` on
    a bad spec."""
    if not isinstance(spec, dict):
        raise ValueError('the body must be a JSON object such as {"path": "message/custom/send", "errcode": -1}')
    path = str(spec.get("path", "")).strip("/")
    errcode = _number(spec, "errcode", int, "an integer (a WeChat error code)")
    latency_ms = _number(spec, "latency_ms", int, "an integer") or 0
    rate = _number(spec, "rate", float, "a number")
    count = _number(spec, "count", int, "an integer") or 1
    after_accept = bool(spec.get("after_accept"))
    if not path or (errcode is None and latency_ms <= 0) or count < 1:
        raise ValueError("a fault needs path, count ≥ 1, and errcode or latency_ms")
    if rate is not None and not 0 < rate <= 1:
        raise ValueError("rate must be more than 0 and at most 1")
    if after_accept and latency_ms <= 0:
        raise ValueError("after_accept needs latency_ms: how long the answer takes after the work")
    values = dict(path=path, errcode=errcode,
                  errmsg=str(spec.get("errmsg") or "sandbox fault"), latency_ms=latency_ms,
                  remaining=None if rate is not None else count, rate=rate, after_accept=after_accept)
    conn.execute(insert(faults).values(**values))
    return values


def _number(spec: dict, key: str, kind: type, what: str) -> int | float | None:
    """``spec[key]`` as ``kind`` (``None`` when absent or null; a digit string is taken, as
    before). Raises :class:`ValueError` naming the key and what it must be."""
    value = spec.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, bool) or (kind is int and isinstance(value, float) and not value.is_integer()):
            raise ValueError
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be {what}, not {value!r}") from None


def clear_faults(conn: Connection) -> None:
    conn.execute(delete(faults))


def take_fault(conn: Connection, path: str) -> Fault | None:
    """The fault for this call to ``path``, if any: a counted fault first (using one up), else
    one of the rate faults by a single random draw."""
    rows = conn.execute(select(faults).where(faults.c.path == path).order_by(faults.c.id)).all()
    counted = next((r for r in rows if r.rate is None and r.remaining > 0), None)
    if counted is not None:
        conn.execute(update(faults).where(faults.c.id == counted.id).values(remaining=counted.remaining - 1))
        return _fault(counted)
    draw, edge = random.random(), 0.0
    for row in (r for r in rows if r.rate is not None):
        edge += row.rate
        if draw < edge:
            return _fault(row)
    return None


def _fault(row) -> Fault:
    return Fault(row.errcode, row.errmsg, row.latency_ms, bool(row.after_accept))
