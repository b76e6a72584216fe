"""A ledger's 联络员 column names each member's red liaison (1+N: one liaison, many members), so
help requests from imported members reach someone; what cannot be assigned is a row to check."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from models.ledger import CellError, parse_liaison
from models.ledger_import import import_members
from models.member import Liaison, Member, MemberChange
from models.tickets import Ticket
from tests.conftest import START
from tests.factories import make_branch, make_member

HEADER = ["序号", "姓名", "手机号", "所属党支部", "红色联络员"]
LEDGER = [
    ["白杨村流动党员台账"],
    HEADER,
    [1, "张某", "13800001234", "红柳镇白杨村党支部", "李某"],
    [2, "王某", "13800001235", "红柳镇白杨村党支部", "李某(13900001111)"],
    [3, "赵某", "13800001236", "红柳镇沙河村党支部", "周某 139-0000-2222"],
    [4, "李某", "13900001111", "红柳镇白杨村党支部", None],
    [5, "孙某", "13800001237", "红柳镇白杨村党支部", "吴某"],
    [6, "钱某", "13800001238", "红柳镇白杨村党支部", "李某 1390000111"],
]
CHECK = [
    "请核对以下 2 行（已导入）：",
    "  第7行（孙某）：联络员吴某不在本支部名册中，也没写手机号，未指定联络员；请写成“吴某 13900001111”后重新导入",
    "  第8行（钱某）：联络员“李某 1390000111”：手机号应为11位数字（表中是“1390000111”）",
]


def run(session, rows, now=START):
    report = import_members(session, rows, district="示例区", create_orgs=True, now=now, changed_by="台账.xlsx")
    session.commit()
    return report


def members(session):
    return {m.name: m for m in session.scalars(select(Member))}


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.postgres
def test_liaison_column_names_one_liaison_for_many_members(session):
    report = run(session, LEDGER)
    assert report.summary().splitlines()[0] == "导入完成：新增 6 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。"
    assert report.summary().splitlines()[-5:] == [
        "新指定红色联络员：李某、周某", "新加入名册的联络员（在家党员）：周某", *CHECK]
    people = members(session)
    li, zhou = people["李某"], people["周某"]
    assert people["张某"].liaison.member is li and people["王某"].liaison.member is li
    assert people["赵某"].liaison.member is zhou
    assert (zhou.phone, zhou.status, zhou.branch.name, len(zhou.bind_code)) == ("13900002222", "home", "沙河村党支部", 8)
    assert [(l.member.name, l.branch.name) for l in session.scalars(select(Liaison).order_by(Liaison.id))] == [
        ("李某", "白杨村党支部"), ("周某", "沙河村党支部")]
    assert people["孙某"].liaison_id is None and people["钱某"].liaison_id is None
    assert count(session, MemberChange) == 0  # new members: their creation is the record


def test_reimport_assigns_nothing_twice(session):
    run(session, LEDGER)
    again = run(session, LEDGER)
    assert again.summary().splitlines() == [
        "导入完成：新增 0 人，更新 0 人，无变化 6 人；有问题的行 0 行（未导入）。", *CHECK]
    assert (count(session, Member), count(session, Liaison)) == (7, 2)


def test_a_liaison_named_later_is_a_change_with_history(session):
    run(session, [HEADER, [1, "张某", "13800001234", "红柳镇白杨村党支部", None],
                  [2, "李某", "13900001111", "红柳镇白杨村党支部", None]])
    later = START + dt.timedelta(days=7)
    report = run(session, [HEADER, [1, "张某", "13800001234", "红柳镇白杨村党支部", "李某"]], now=later)
    assert (report.created, report.updated, report.liaisons_named) == (0, 1, ["李某"])
    change = session.scalar(select(MemberChange))
    assert (change.field, change.old_value, change.source, change.changed_at) == ("liaison_id", None, "import", later)
    assert members(session)["张某"].liaison.member.name == "李某"


@pytest.mark.parametrize("roster, cell, problem", [
    ([("李某", "13900001111"), ("李某", "13900003333")], "李某",
     "本支部名册中有2位李某，未指定联络员；请在联络员一栏写上手机号，如“李某 13900001111”"),
    ([("李某", "13900001111")], "李某 13900004444",
     "联络员李某的手机号与名册中的李某（139****1111）不一致，未指定联络员；请核对手机号后重新导入"),
    ([], "张某", "联络员写的是本人张某，未指定联络员；请写本支部另一位党员"),
    ([], "李某 13900001111 王某", "联络员“李某 139****1111 王某”看不懂，请写成“李某 13900001111”"),
])
def test_a_liaison_that_cannot_be_assigned_is_a_row_to_check(session, roster, cell, problem):
    branch = make_branch(session)
    for name, phone in roster:
        make_member(session, branch, name=name, phone=phone, status="home")
    session.commit()
    report = run(session, [HEADER, [1, "张某", "13800001234", "红柳镇白杨村党支部", cell]])
    assert (report.created, report.errors, report.warnings) == (1, [], [(2, "张某", problem)])
    assert members(session)["张某"].liaison_id is None and count(session, Liaison) == 0


def test_an_existing_liaison_of_the_branch_is_reused(session):
    branch = make_branch(session)
    person = make_member(session, branch, name="李某", phone="13900001111", status="home")
    session.add(Liaison(member_id=person.id, branch_id=branch.id))
    session.commit()
    report = run(session, [["姓名", "联系电话", "党支部", "联络员", "联络员电话"],
                           ["张某", "13800001234", "红柳镇白杨村党支部", "李某", "13900001111"]])
    assert (report.liaisons_named, report.warnings) == ([], [])
    assert members(session)["张某"].liaison.member is person and count(session, Liaison) == 1


@pytest.mark.parametrize("cell, phone_cell, parsed", [
    ("李某", None, ("李某", None)),
    ("李某 13900001111", None, ("李某", "13900001111")),
    ("李某(13900001111)", None, ("李某", "13900001111")),
    ("李某（139-0000-1111）", None, ("李某", "13900001111")),
    ("李某，电话：13900001111", None, ("李某", "13900001111")),
    ("李某", 13900001111, ("李某", "13900001111")),
    (None, None, None),
    ("  ", "", None),
])
def test_liaison_cells(cell, phone_cell, parsed):
    assert parse_liaison(cell, phone_cell) == parsed


def test_liaison_phone_without_a_name_is_refused():
    with pytest.raises(CellError, match="写了联络员电话，但没写联络员姓名"):
        parse_liaison(None, "13900001111")


def test_help_request_of_an_imported_member_reaches_the_liaison(chat, session, caplog):
    run(session, LEDGER)
    members(session)["张某"].openid = "oKite_member_0001"
    session.commit()
    reply = chat.say("求助 家里有点事")
    # (the wording is help_request's; what matters here is that it names the liaison and their phone)
    assert reply.startswith("已收到您的求助（其他困难），编号 Q20261129001。") and "李某的电话 13900001111" in reply
    session.expire_all()
    assert session.scalar(select(Ticket)).liaison.member.name == "李某"
    # 李某 has not bound WeChat yet: nothing can be sent, so an operator is told.
    li = members(session)["李某"].id
    assert [r.getMessage() for r in caplog.records if r.name == "models.tickets"] == [
        f"ticket Q20261129001: liaison (member {li}, phone 139****1111) has not bound WeChat; no notice was queued"]
