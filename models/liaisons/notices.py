"""What a handover (交接) tells people, through the outbox (``models.liaisons.handover``).

- Each liaison who receives members gets one notice per operation (purpose
  ``liaison_handover``, delivered at least once): the members, with phone and where they are,
  and the open tickets that came with them, answered by number. One who hands members over gets
  one too: whom, to whom, and the tickets they no longer answer. Outside the liaison's window it
  goes at once as the ``liaison_handover`` template and the full text follows on their next
  message, as a new ticket's notice does.
- Each bound member is told their new liaison's name and phone (purpose ``liaison_changed``,
  at most once: no template — this is no notice the member asked for — so outside their window
  it waits for their next message). A newer change withdraws one still waiting.

Every list stays within :data:`models.tickets.NOTICE_MAX_BYTES`; what does not fit is counted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.delivery.payloads import TemplateNotice, Text, numbered_list
from models.delivery.queue import enqueue, withdraw
from models.delivery.report import local_time
from models.liaisons.assignment import SOURCE_NAMES
from models.member import Liaison, Member, mask_phone
from models.tickets import NOTICE_MAX_BYTES, TOPIC_NAMES, Ticket

HANDOVER_PURPOSE = "liaison_handover"
MEMBER_PURPOSE = "liaison_changed"
# An open ticket's status as the liaison taking it over reads it.
STATUS_WORDS = {"new": "待接单", "claimed": "已接单", "answered": "已答复，待办结", "reopened": "重新打开"}


@dataclass
class _Side:
    """One liaison's side of a handover: the lines of the members and tickets in their notice."""

    liaison: Liaison
    members: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)


class Notices:
    """Collects what one operation handed over (:meth:`member_moved`, :meth:`ticket_moved`),
    then queues every notice at once (:meth:`queue`). ``batch`` names the operation in the
    idempotency keys; ``template_id`` is the ``liaison_handover`` template, or ``None``."""

    def __init__(self, *, batch: int, source: str, now: dt.datetime, template_id: str | None) -> None:
        self.batch, self.source, self.now, self.template_id = batch, source, now, template_id
        self.incoming: dict[int, _Side] = {}
        self.outgoing: dict[int, _Side] = {}
        self.members: dict[int, tuple[Member, Liaison, bool, list[str]]] = {}

    def member_moved(self, member: Member, old: Liaison | None, new: Liaison) -> None:
        """``member`` went from ``old`` (``None``: no liaison) to ``new``."""
        place = member.destination("")
        self._side(self.incoming, new).members.append(
            f"{member.name} {member.phone or '无手机号'}" + (f"，在{place}" if place else "")
            + (f"，原联络员{old.member.name}" if old else "，新分配"))
        if old is not None:
            self._side(self.outgoing, old).members.append(f"{member.name}（{mask_phone(member.phone)}）→ {new.member.name}")
        self.members[member.id] = (member, new, old is not None, [])

    def ticket_moved(self, ticket: Ticket, member: Member, old: Liaison | None, new: Liaison) -> None:
        """``member``'s open ``ticket`` went from ``old`` (``None``: nobody's) to ``new``."""
        self._side(self.incoming, new).tickets.append(
            f"{ticket.number} {member.name}{TOPIC_NAMES[ticket.topic]}（{STATUS_WORDS.get(ticket.status, ticket.status)}）")
        if old is not None:
            self._side(self.outgoing, old).tickets.append(f"{ticket.number} {member.name} → {new.member.name}")
        self.members[member.id][3].append(ticket.number)

    def queue(self, session: Session) -> tuple[list[str], list[str], int]:
        """Queue every notice collected. Returns (liaisons told, liaisons without WeChat, by
        name, each once; how many members were told)."""
        told, untold = [], []
        for direction, sides in (("in", self.incoming), ("out", self.outgoing)):
            for side in sides.values():
                person = side.liaison.member
                if not person.openid:
                    untold.append(person.name)
                    continue
                told.append(person.name)
                text = _incoming(side, self.source) if direction == "in" else _outgoing(side, self.source)
                fallback = self._template(side, direction)
                enqueue(session, openid=person.openid, member_id=person.id, payload=Text(text, fallback=fallback),
                        purpose=HANDOVER_PURPOSE, now=self.now,
                        idempotency_key=f"{HANDOVER_PURPOSE}:{self.batch}:{side.liaison.id}:{direction}")
        bound = [entry for entry in self.members.values() if entry[0].openid]
        if bound:
            withdraw(session, [member.id for member, *_ in bound], MEMBER_PURPOSE, "联络员又有调整，只发最新的")
        for member, new, changed, numbers in bound:
            enqueue(session, openid=member.openid, member_id=member.id, payload=Text(_member_text(new, changed, numbers)),
                    purpose=MEMBER_PURPOSE, now=self.now, idempotency_key=f"{MEMBER_PURPOSE}:{self.batch}:{member.id}")
        return list(dict.fromkeys(told)), [n for n in dict.fromkeys(untold) if n not in told], len(bound)

    def _side(self, sides: dict[int, _Side], liaison: Liaison) -> _Side:
        return sides.setdefault(liaison.id, _Side(liaison))

    def _template(self, side: _Side, direction: str) -> TemplateNotice | None:
        """The notice as a template message (each value ≤ 20 characters, no line breaks)."""
        if self.template_id is None:
            return None
        if direction == "in":
            what = f"{len(side.members)}名党员改由您联系"
        elif side.members:
            what = f"{len(side.members)}名党员已转交其他联络员"
        else:
            what = f"{len(side.tickets)}件求助已转交新联络员"
        values = {"thing1": what, "thing2": side.liaison.branch.name, "time3": local_time(self.now),
                  "thing4": "回复任意消息查看名单"}
        return TemplateNotice(self.template_id, {k: v[:20] for k, v in values.items()})


def _incoming(side: _Side, source: str) -> str:
    tickets = _tickets(f"\n转给您的未办结求助{len(side.tickets)}件，答复请发“编号 + 答复内容”：", side.tickets)
    head = f"【联络员交接】以下{len(side.members)}名党员今后由您联系（{SOURCE_NAMES[source]}），请抽空电话联系一下："
    return _members(head, side.members, tickets) + tickets


def _outgoing(side: _Side, source: str) -> str:
    if not side.members:
        return _tickets(f"【联络员交接】您手上这{len(side.tickets)}件未办结的求助已随党员转给新联络员"
                        f"（{SOURCE_NAMES[source]}），不用再答复：", side.tickets)
    tickets = _tickets(f"\n您手上这{len(side.tickets)}件未办结的求助一并转交，不用再答复：", side.tickets)
    head = f"【联络员交接】以下{len(side.members)}名党员已改由其他联络员联系（{SOURCE_NAMES[source]}），不用再跟进："
    return _members(head, side.members, tickets) + tickets


def _tickets(heading: str, lines: list[str]) -> str:
    if not lines:
        return ""
    return numbered_list(heading, lines, len(lines), lambda left: f"\n另有{left}件未列出，请找支部查看。",
                         limit=NOTICE_MAX_BYTES // 2)


def _members(heading: str, lines: list[str], after: str) -> str:
    return numbered_list(heading, lines, len(lines), lambda left: f"\n另有{left}人未列出，请找支部查看名单。",
                         limit=NOTICE_MAX_BYTES - len(after.encode("utf-8")))


def _member_text(new: Liaison, changed: bool, numbers: list[str]) -> str:
    person = new.member
    phone = f"（电话 {person.phone}）" if person.phone else ""
    text = (f"您的红色联络员{'换成了' if changed else '是'}{person.name}{phone}。"
            f"有困难可以直接找{person.name}，也可以随时发“求助”加上情况。")
    if numbers:
        text += f"您还没办完的求助（编号 {'、'.join(numbers)}）也交给了{person.name}接着办。"
    return text
