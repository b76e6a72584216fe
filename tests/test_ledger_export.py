"""The ledger exported (``models.ledger_export``): what a branch reads in it, and that the file
imported again changes nothing — no one added, no change recorded — whatever happened since."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from models.inbound import InboundMessage
from models.ledger import header_key
from models.ledger_export import HEADER, export_members
from models.ledger_files import read_table
from models.ledger_import import import_members
from models.liaison_contacts import record_contact
from models.member import Member, MemberChange
from models.member_updates import apply_changes
from models.org import Organization
from models.org_tree import subtree_ids
from models.points import PointsEntry
from tests.conftest import SHARED, START

MESSY = SHARED / "ledgers" / "ledger_messy.xlsx"
LATER = START + dt.timedelta(days=40)
LEDGER = [
    ["姓名", "手机号", "所属党支部", "流动去向（市）", "工作单位", "备注", "红色联络员"],
    ["张某", "13800001234", "红柳镇白杨村党支部", "深圳市南山区", "电子厂", "=老板欠薪", "李某"],
    ["王某", "13800001235", "红柳镇白杨村党支部", "苏州", None, None, "李某 13900001111"],
    ["李某", "13900001111", "红柳镇白杨村党支部", None, None, None, None],
    ["赵某", "13800001236", "红柳镇沙河村党支部", "无锡", "某物流", None, "周某 139-0000-2222"],
    ["钱某", "13800001237", "红柳镇沙河村党支部", "某某县", None, "\t备注\x07", None],
    ["孙某", "13800001238", "红柳镇新建社区党支部", "吉林", None, None, None],
]


def run(session, rows, now=START):
    report = import_members(session, rows, district="示例区", create_orgs=True, now=now, changed_by="台账.xlsx")
    session.commit()
    return report


def export(session, path, org_ids=None):
    count = export_members(session, path, org_ids=org_ids, title="示例区流动党员台账", now=LATER)
    session.commit()
    return count


def roster(session):
    """Everything the import may change, for every member, and the number of changes kept."""
    members = sorted((m.name, m.phone, m.branch_id, m.gender, m.joined_party_on, m.away_since, m.away_reason,
                      m.current_province, m.current_city, m.current_district, m.employer, m.note,
                      m.liaison_id, m.status) for m in session.scalars(select(Member)))
    return members, session.scalar(select(func.count()).select_from(MemberChange))


def by_name(session, name):
    return session.scalar(select(Member).where(Member.name == name))


def test_every_header_the_export_writes_is_one_the_import_reads():
    assert [header_key(h) for h in HEADER] == [
        None, "name", "gender", "phone", "branch", "joined_party_on", "away_since", "away_reason",
        "province", "city", "district", "employer", "note", "liaison", None, None, None, None, None, None, None,
        None]


@pytest.mark.postgres
def test_the_messy_ledger_exported_and_imported_again_changes_nothing(session, tmp_path):
    run(session, read_table(MESSY))
    before = roster(session)
    assert export(session, tmp_path / "台账.xlsx") == 60
    report = run(session, read_table(tmp_path / "台账.xlsx"), now=LATER)
    assert report.summary() == "导入完成：新增 0 人，更新 0 人，无变化 60 人；有问题的行 0 行（未导入）。"
    assert roster(session) == before


@pytest.mark.postgres
def test_what_chat_and_later_imports_changed_comes_back_unchanged(session, tmp_path):
    run(session, LEDGER)
    zhang = by_name(session, "张某")
    apply_changes(session, zhang, {"current_province": "浙江", "current_city": "杭州", "current_district": "西湖区"},
                  source="chat", changed_by="oKite_0001", now=START)
    apply_changes(session, by_name(session, "孙某"), {"status": "returned"}, source="chat", changed_by="oKite_0001", now=START)
    record_contact(session, zhang.id, by_name(session, "李某").id, "visit", "走访", START)  # 最近联系 is read only
    # The liaison moves to another branch: members still name them by name and phone.
    shahe = session.scalar(select(Organization).where(Organization.name == "沙河村党支部"))
    apply_changes(session, by_name(session, "李某"), {"branch_id": shahe.id}, source="import",
                  changed_by="台账.xlsx", now=START)
    session.commit()
    before = roster(session)
    export(session, tmp_path / "台账.xlsx")
    report = run(session, read_table(tmp_path / "台账.xlsx"), now=LATER)
    assert report.summary() == "导入完成：新增 0 人，更新 0 人，无变化 7 人；有问题的行 0 行（未导入）。"
    assert roster(session) == before


def test_a_row_holds_the_ledger_in_full_and_what_the_branch_reads_beside_it(session, tmp_path):
    run(session, LEDGER)
    zhang = by_name(session, "张某")
    apply_changes(session, zhang, {"openid": "oKite_0001"}, source="chat", changed_by="oKite_0001", now=START)
    zhang.bound_at = START
    apply_changes(session, zhang, {"employer": "快递站"}, source="chat", changed_by="oKite_0001",
                  now=START + dt.timedelta(days=2))
    # 最近联系 is the liaison's contact log, not the member's own messages
    session.add(InboundMessage(dedupe_key="k1", openid="oKite_0001", msg_type="text", content="学习",
                               received_at=START + dt.timedelta(days=4)))
    record_contact(session, zhang.id, by_name(session, "李某").id, "phone", "聊了工作情况",
                   START + dt.timedelta(days=3, hours=5))
    record_contact(session, zhang.id, by_name(session, "李某").id, "reply", "答复求助", START)
    for source, delta in ((1, 3), (2, 1)):  # 积分: the balance of the points ledger
        session.add(PointsEntry(member_id=zhang.id, delta=delta, rule="activity", source_kind="activity_claim",
                                source_id=source, created_at=START))
    session.commit()
    export(session, tmp_path / "台账.xlsx")
    rows = read_table(tmp_path / "台账.xlsx")
    assert rows[0][0] == "示例区流动党员台账（导出于 2027-01-08 09:00）"
    assert rows[1] == HEADER
    assert rows[2] == (1, "张某", None, "13800001234", "红柳镇白杨村党支部", None, None, None,
                       "广东", "深圳", "南山区", "快递站", "=老板欠薪", "李某 13900001111",
                       "在外流动", dt.datetime(2026, 12, 1, 9, 0), dt.datetime(2026, 12, 2, 14, 0), 4)
    assert rows[4][1:4] == ("李某", None, "13900001111") and rows[4][13] is None
    # added as 赵某's liaison: a home member
    assert (rows[7][1], rows[7][4], rows[7][14]) == ("周某", "红柳镇沙河村党支部", "在家")
    assert rows[6][12] == "备注"  # control characters are not kept: Excel cannot hold them


def test_org_scope_keeps_one_subtree(session, tmp_path):
    run(session, LEDGER)
    assert export(session, tmp_path / "沙河.xlsx", subtree_ids(session, "沙河村")) == 3
    assert [r[1] for r in read_table(tmp_path / "沙河.xlsx")[2:]] == ["赵某", "钱某", "周某"]
    assert export(session, tmp_path / "红柳镇.xlsx", subtree_ids(session, "红柳镇")) == 7
    assert subtree_ids(session, "没有这个支部") == set()
