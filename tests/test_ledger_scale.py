"""A large ledger goes in batches: the statements an import sends do not grow with its rows (a
statement or six per row made 100,000 rows take 18 minutes), and the report stays exact."""
import pytest
from sqlalchemy import event, func, select

from bench.ledger import ledger_rows
from models.ledger_import import import_members
from models.member import Liaison, Member, MemberChange
from tests.conftest import START


@pytest.mark.postgres
def test_three_thousand_rows_take_a_few_dozen_statements_and_the_report_is_exact(session):
    statements = []
    engine = session.get_bind()
    count = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", count)
    try:
        report = import_members(session, ledger_rows(3000, 20), district="示例区", create_orgs=True, now=START,
                                  changed_by="台账.xlsx")
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # Building the 20 branches' township/village/branch takes its own few statements each.
    assert len([s for s in statements if "organizations" not in s]) < 30
    assert report.summary().splitlines()[0] == "导入完成：新增 2995 人，更新 0 人，无变化 0 人；有问题的行 6 行（未导入）。"
    assert [(n.row, n.reason) for n in report.errors] == [
        (504, "手机号应为11位数字（表中是“1380000050”）"), (704, "姓名为空"), (905, "与第904行重复"),
        (1502, "手机号应为11位数字（表中是“1380000149”）"), (2499, "手机号应为11位数字（表中是“1380000249”）"),
        (2704, "姓名为空")]
    # Two rows left out were liaisons, named with their phone by their group: added as home members.
    assert "新加入名册的联络员（在家党员）：张某杰明、张某勇明" in report.summary().splitlines()
    assert session.scalar(select(func.count()).select_from(Member)) == 2997
    assert session.scalar(select(func.count()).select_from(Liaison)) == 60  # one per 50 members
    assert session.scalar(select(func.count()).select_from(MemberChange)) == 0
    assert session.scalar(select(func.count()).select_from(Member).where(Member.liaison_id.is_(None))) == 60
