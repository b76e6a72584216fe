"""``kiteline report tickets``: the help desk per branch, exact on a crafted set of tickets.

白杨村党支部 has five: one closed and rated 5, one settled late after a reminder and rated 3,
one just filed, one unanswered for eight days past due (escalated twice), one answered but
unsettled three days past its 7-day target. 红星村党支部 has two: one settled within two hours
and rated 1, one reopened after that low rating (rated 2; its earlier settling no longer counts)."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from bot.cli import main
from models.org import Organization
from models.tickets import Ticket
from models.tickets.events import TicketEvent
from models.tickets.report import ticket_report
from tests.conftest import CONFIG_FILE, START
from tests.factories import SLA, make_member

pytestmark = pytest.mark.postgres

CHAIN = ["liaison", "secretary", "township"]
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def crafted(session, start: dt.datetime) -> dt.datetime:
    """The tickets above, filed from ``start``; returns the moment the report looks at them
    (``start`` + 10 days)."""
    d = Organization(name="示例区", kind="district")
    town = Organization(name="红柳镇", kind="township", parent=d)
    baiyang = Organization(name="白杨村党支部", kind="branch", parent=town)
    hongxing = Organization(name="红星村党支部", kind="branch", parent=town)
    session.add_all([d, town, baiyang, hongxing])
    session.flush()
    zhang = make_member(session, baiyang, name="张某", phone="13800001234")
    li = make_member(session, baiyang, name="李某", phone="13800001235")
    zhao = make_member(session, hongxing, name="赵某", phone="13800001237")
    wang = make_member(session, baiyang, name="王某", phone="13900000001")

    def ticket(n, member, created, status, first=None, resolved=None, rating=None, level=0, reopened=None):
        t = Ticket(number=f"Q2026112900{n}", member_id=member.id, holder_id=wang.id, topic="wages",
                   description="老板拖欠了三个月工资", status=status, created_at=created, due_at=created + D,
                   first_response_at=first, resolved_at=resolved, satisfaction=rating, escalation_level=level)
        session.add(t)
        session.flush()
        if reopened:
            session.add(TicketEvent(ticket_id=t.id, kind="reopened", actor_kind="system", at=reopened))

    ticket(1, zhang, start, "closed", start + 2 * H, start + D, rating=5)
    ticket(2, li, start, "resolved", start + 30 * H, start + 3 * D, rating=3, level=1)
    ticket(3, zhang, start + 9 * D + H, "new")
    ticket(4, li, start + D, "new", level=2)
    ticket(5, zhang, start, "answered", start + 4 * H)
    ticket(6, zhao, start, "closed", start + H, start + 2 * H, rating=1)
    ticket(7, zhao, start, "reopened", start + 5 * H, start + D, rating=2, reopened=start + 8 * D)
    session.commit()
    return start + 10 * D


SUMMARY = [
    ["红柳镇白杨村党支部", 5, 3, 2, 2, "4.0", "48.0", "4.00", 2],
    ["红柳镇红星村党支部", 2, 1, 0, 0, "3.0", "2.0", "1.50", 2],
    ["合计", 7, 4, 2, 2, "4.0", "24.0", "2.75", 4],
]


def test_per_branch_counts_medians_and_ratings_are_exact(session):
    now = crafted(session, START)
    report = ticket_report(session, now, SLA, CHAIN, org_ids=None)
    assert [row.cells for row in [*report.branches, report.total]] == SUMMARY
    assert report.late == [
        ["红柳镇白杨村党支部", "Q20261129004", "李某", "138****1235", "欠薪", "11月30日 09:00", "8天未答复", "王某", "支部书记"],
        ["红柳镇白杨村党支部", "Q20261129005", "张某", "138****1234", "欠薪", "11月29日 09:00", "3天未办结", "王某", "未升级"]]


def test_a_period_and_an_org_narrow_it(session):
    now = crafted(session, START)
    hongxing = session.query(Organization).filter_by(name="红星村党支部").one()
    assert [r.cells for r in ticket_report(session, now, SLA, CHAIN, org_ids={hongxing.id}).branches] == [SUMMARY[1]]
    recent = ticket_report(session, now, SLA, CHAIN, org_ids=None, since=now - 2 * D)
    assert [r.cells for r in recent.branches] == [["红柳镇白杨村党支部", 1, 1, 0, 0, "—", "—", "—", 0]]


def run(db_url, *args):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "report", "tickets", *args],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_command_prints_the_table_and_writes_the_late_list(session, db_url, tmp_path):
    # The command reads the service's clock: the tickets are filed ten days before it.
    crafted(session, dt.datetime.now(dt.UTC).replace(microsecond=0) - 10 * D)
    path = tmp_path / "求助.xlsx"
    assert run(db_url, "--xlsx", str(path)) == [
        "求助办理情况（全部，全部党组织）",
        "党支部                  求助  未办结  超时  已升级  首次答复中位(小时)  办结中位(小时)  满意度均分  评价数",
        "红柳镇白杨村党支部      5     3       2     2       4.0                 48.0            4.00        2",
        "红柳镇红星村党支部      2     1       0     0       3.0                 2.0             1.50        2",
        "合计                    7     4       2     2       4.0                 24.0            2.75        4",
        f"超时未办的求助 2 件。已写入 {path}（含超时求助名单）。",
    ]
    book = openpyxl.load_workbook(path)
    assert book["支部汇总"].freeze_panes == "A3"
    assert [list(row) for row in book["支部汇总"].values][2:] == SUMMARY
    assert [row[1:3] + row[6:] for row in book["超时求助"].values] == [
        ("编号", "姓名", "超时", "经办人", "已通知到"), ("Q20261129004", "李某", "8天未答复", "王某", "支部书记"),
        ("Q20261129005", "张某", "3天未办结", "王某", "未升级")]


def test_nothing_in_scope_says_so(session, db_url):
    crafted(session, START)
    assert run(db_url, "--org", "红星村党支部", "--days", "1") == ["求助办理情况（最近 1 天提交的，红星村党支部）", "范围内没有求助。"]
