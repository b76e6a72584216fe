"""Per-domain test factories: fictional people only (张某, 13800001234)."""
from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from models.lesson import Lesson
from models.member import Liaison, Member
from models.org import Organization
from models.settings import LiaisonSettings
from models.tickets.sla import Sla
from tests.conftest import START

# The SLA targets config.yaml ships with: first answer in 24 hours (1 when urgent or a crisis),
# settled in 7 days, every hour counting.
SLA = Sla.of(LiaisonSettings(), "Asia/Shanghai")

_seq = itertools.count(1)


def make_branch(session: Session, name: str = "白杨村党支部", township: str = "红柳镇",
                district: str = "示例区") -> Organization:
    d = Organization(name=district, kind="district")
    t = Organization(name=township, kind="township", parent=d)
    b = Organization(name=name, kind="branch", parent=t, contact_phone="0471-5550001")
    session.add_all([d, t, b])
    session.flush()
    return b


def make_member(session: Session, branch: Organization, name: str = "张某",
                phone: str | None = None, openid: str | None = None, **fields) -> Member:
    n = next(_seq)
    m = Member(name=name, phone=phone or f"1380000{n:04d}", branch_id=branch.id, openid=openid,
               bound_at=START if openid else None, created_at=START, **fields)
    session.add(m)
    session.flush()
    return m


def make_liaison(session: Session, branch: Organization, name: str = "李某",
                 openid: str | None = "oKite_liaison_0001") -> Liaison:
    person = make_member(session, branch, name=name, openid=openid, status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    return liaison


def make_lesson(session: Session, title: str = "学习新修订的《中国共产党纪律处分条例》",
                category: str = "policy", sequence: int | None = None) -> Lesson:
    n = next(_seq)
    lesson = Lesson(title=title, category=category, summary="一图读懂条例修订要点。",
                    url=f"https://kiteline.example.invalid/lessons/{n}",
                    sequence=n if sequence is None else sequence, created_at=START)
    session.add(lesson)
    session.flush()
    return lesson
