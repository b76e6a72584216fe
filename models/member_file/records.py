"""The file's record sections: this month's study, help requests still open, the liaison's
latest contacts, the transfer of organisational relationship, points."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.hanzi import book_title
from models.liaison_contacts import KIND_NAMES, recent_contacts
from models.member import Member
from models.member_file.section import local_date
from models.points import standing
from models.study_history import month_study
from models.tickets import OPEN, TOPIC_NAMES, WAITING, Ticket
from models.transfers import latest_request


def study_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """This month's study: lessons received, finished and opened, and the latest one given."""
    month = month_study(session, member.id, now)
    if not month.received and not month.completed and not month.opened:
        return ["本月还没有学习记录，发“学习”看今天的学习资料"]
    return [(f"本月收到 {month.received} 篇，学完 {month.completed} 篇，打开 {month.opened} 篇；"
             f"最近一篇：{book_title(month.last.lesson.title)}（{local_date(month.last.delivered_at)}）")]


def help_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """Each help request not yet settled: number, topic, where it stands."""
    tickets = session.scalars(select(Ticket).where(Ticket.member_id == member.id, Ticket.status.in_(OPEN))
                              .order_by(Ticket.id)).all()
    if not tickets:
        return ["没有未办结的求助"]
    return [f"{t.number} {TOPIC_NAMES[t.topic]}：" + ("等联络员处理" if t.status in WAITING else "联络员已答复，待办结")
            for t in tickets]


def contact_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """The liaison's latest three contacts (定时联系): date, how, by whom — not the liaison's
    note, which is theirs."""
    contacts = recent_contacts(session, member.id)
    if not contacts:
        return ["还没有联系记录"]
    return [f"{local_date(c.at)} {KIND_NAMES[c.kind]}（{c.by.name}）" for c in contacts]


def transfer_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """The member's newest transfer request and where it stands, or how to ask."""
    request = latest_request(session, member)
    if request is None:
        return ["未申请（了解办法请发“转关系”）"]
    if request.status == "done":
        return [f"已办结：转到{request.destination}（{local_date(request.done_at)}）"]
    return [f"已申请转到{request.destination}（{local_date(request.requested_at)}），待支部办理"]


def points_lines(session: Session, member: Member, now: dt.datetime) -> list[str]:
    """The points balance and this month's (Beijing time), and claims waiting for review."""
    mine = standing(session, member.id, now, recent=1)
    pending = f"；{len(mine.pending)} 件志愿服务申报待审核" if mine.pending else ""
    if not mine.recent:
        return [f"还没有积分（发“积分”看怎么得积分）{pending}"]
    return [f"共 {mine.balance} 分，本月 {mine.month_total} 分{pending}"]
