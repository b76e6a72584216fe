"""A small district for the desk's conversations (fictional people only): two townships, three
branches, their liaisons, a branch secretary and a township contact, and members who ask for help.

    示例区
    ├── 红柳镇 (contact 孙某, oKite_township_0001)
    │   ├── 白杨村党支部 (secretary 王某, oKite_secretary_0001)
    │   │     liaisons 李某 (oKite_liaison_0001), 赵某 (oKite_liaison_0002), 郑某 (not bound)
    │   │     members 张某 (oKite_member_0001, liaison 李某), 陈某 (oKite_member_0004, liaison 李某)
    │   └── 红星村党支部: liaison 钱某 (oKite_liaison_0003); member 周某 (oKite_member_0002)
    └── 青山镇
        └── 青山村党支部: liaison 冯某 (oKite_liaison_0004); member 吴某 (oKite_member_0003)
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.orm import Session

from models.member import Liaison
from models.org import Organization
from tests.factories import make_member

LIAISON, LIAISON_2, OTHER_LIAISON, FAR_LIAISON = ("oKite_liaison_0001", "oKite_liaison_0002",
                                                   "oKite_liaison_0003", "oKite_liaison_0004")
SECRETARY, TOWNSHIP = "oKite_secretary_0001", "oKite_township_0001"
MEMBER, MEMBER_2, OTHER_MEMBER, FAR_MEMBER = ("oKite_member_0001", "oKite_member_0004",
                                              "oKite_member_0002", "oKite_member_0003")


def _liaison(session: Session, branch: Organization, name: str, phone: str, openid: str | None) -> Liaison:
    person = make_member(session, branch, name=name, phone=phone, openid=openid, status="home")
    liaison = Liaison(member_id=person.id, branch_id=branch.id)
    session.add(liaison)
    session.flush()
    return liaison


def desk_world(session: Session) -> SimpleNamespace:
    """Build the district above and commit it; returns its organisations, liaisons and members."""
    district = Organization(name="示例区", kind="district")
    hongliu = Organization(name="红柳镇", kind="township", parent=district,
                           secretary_name="孙某", secretary_phone="13700000009")
    qingshan = Organization(name="青山镇", kind="township", parent=district)
    baiyang = Organization(name="白杨村党支部", kind="branch", parent=hongliu, contact_phone="0471-5550001",
                           secretary_name="王某", secretary_phone="13700000001")
    hongxing = Organization(name="红星村党支部", kind="branch", parent=hongliu)
    qingshan_branch = Organization(name="青山村党支部", kind="branch", parent=qingshan)
    session.add_all([district, hongliu, qingshan, baiyang, hongxing, qingshan_branch])
    session.flush()
    li = _liaison(session, baiyang, "李某", "13900000001", LIAISON)
    zhao = _liaison(session, baiyang, "赵某", "13900000002", LIAISON_2)
    zheng = _liaison(session, baiyang, "郑某", "13900000005", None)
    qian = _liaison(session, hongxing, "钱某", "13900000003", OTHER_LIAISON)
    feng = _liaison(session, qingshan_branch, "冯某", "13900000004", FAR_LIAISON)
    secretary = make_member(session, baiyang, name="王某", phone="13700000001", openid=SECRETARY, status="home")
    township = make_member(session, hongxing, name="孙某", phone="13700000009", openid=TOWNSHIP, status="home")
    zhang = make_member(session, baiyang, name="张某", phone="13800001234", openid=MEMBER, liaison_id=li.id)
    chen = make_member(session, baiyang, name="陈某", phone="13800005678", openid=MEMBER_2, liaison_id=li.id)
    zhou = make_member(session, hongxing, name="周某", phone="13800002222", openid=OTHER_MEMBER, liaison_id=qian.id)
    wu = make_member(session, qingshan_branch, name="吴某", phone="13800003333", openid=FAR_MEMBER,
                     liaison_id=feng.id)
    session.commit()
    return SimpleNamespace(baiyang=baiyang, hongxing=hongxing, hongliu=hongliu, li=li, zhao=zhao, zheng=zheng,
                           qian=qian, feng=feng, secretary=secretary, township=township, zhang=zhang, chen=chen,
                           zhou=zhou, wu=wu)
