"""The red liaisons (1+N) as district staff keep them, from the command line on real files: the
org file's 红色联络员 column, ``kiteline import liaisons`` (a messy Excel list), ``kiteline
liaisons assign`` balancing each branch, ``list``, and ``move`` handing members and their open
tickets over — every bad row named, nothing half-stored, a second import changing nothing."""
import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot import liaisons_cli
from bot.cli import main
from bot.import_cli import DRY_RUN_NOTE
from models.delivery.outbox import OutboxMessage
from models.liaisons import LiaisonAssignment
from models.member import Liaison, Member
from models.tickets import Ticket, history
from tests.conftest import CONFIG_FILE

pytestmark = pytest.mark.postgres

ORGS = ("乡镇（街道）,党支部,书记,书记电话,红色联络员\n"
        "红柳镇,白杨村党支部,赵某,13700001001,李某 13900000001、王某（139-0000-0002）\n"
        "红柳镇,沙河村党支部,钱某,13700001002,\n"
        "红柳镇,机关党支部,孙某,13700001003,\n")
LEDGER = ("姓名,手机号,所属党支部\n"
          "张某,13800001234,红柳镇白杨村党支部\n赵某,13800001235,红柳镇白杨村党支部\n"
          "孙某,13800001236,红柳镇白杨村党支部\n钱某,13800001237,红柳镇白杨村党支部\n"
          "吴某,13800001238,红柳镇白杨村党支部\n郑某,13800001239,红柳镇沙河村党支部\n"
          "冯某,13800001240,红柳镇沙河村党支部\n陈某,13800001241,红柳镇机关党支部\n")
IMPORTED = [
    "联络员名单导入完成：党支部 2 个，红色联络员 3 人（新指定 1 人），负责党员 4 人（新分配 4 人，改换联络员 0 人，无变化 0 人）。",
    "新指定红色联络员：周某",
    "新加入名册的联络员（在家党员）：周某",
    "没有绑定微信、请电话告知的联络员：李某、王某、周某",
    "这些支部还有 3 名流动党员没有联络员：可用 kiteline liaisons assign --org 支部名 均衡分配。",
    "未识别的列（未导入）：备注；如需导入，请把表头改成“所属党支部”“联络员姓名”“联络员电话”“负责党员”这样的写法",
]


def kiteline(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def liaison_list_xlsx(path) -> str:
    """As a township keeps it: a title, a blank row, 序号, the branch merged over its liaisons'
    rows, a bare 联系电话 after the name, full-width digits, a phone typed as a number, members
    by name and by name and phone, a notes column and a total."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["红柳镇红色联络员名单"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["序号", "所属党组织", "联络员姓名", "联系电话", "负责党员", "备注"])
    sheet.append([1, "白杨村党支部", "李某", "１３９０００００００１", "张某、赵某"])
    sheet.append([2, None, "王某", 13900000002, "孙某 13800001236"])
    sheet.append([3, "红柳镇沙河村党支部", "周某", "139-0000-0003", "郑某", "新任"])
    sheet.append(["合计：3人"])
    sheet.merge_cells("B4:B5")
    book.save(path)
    return str(path)


@pytest.fixture
def district(db_url, tmp_path):
    """The org file (naming 白杨村's two liaisons) and the ledger imported."""
    assert kiteline(db_url, "import", "orgs", write(tmp_path, "组织架构.csv", ORGS)).exit_code == 0
    assert kiteline(db_url, "import", "members", write(tmp_path, "台账.csv", LEDGER)).exit_code == 0
    return db_url


def query(db_url, fn):
    engine = create_engine(db_url)
    with Session(engine) as s:
        found = fn(s)
    engine.dispose()
    return found


def liaison_of(db_url) -> dict[str, str | None]:
    def read(s):
        return {m.name: m.liaison.member.name if m.liaison else None
                for m in s.scalars(select(Member).where(Member.status == "away").order_by(Member.id))}
    return query(db_url, read)


def test_the_org_file_names_a_branchs_liaisons_and_adds_them_to_the_roster(db_url, tmp_path):
    result = kiteline(db_url, "import", "orgs", write(tmp_path, "组织架构.csv", ORGS))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == ["红色联络员 2 人（新指定 2 人）：李某、王某",
                                               "新加入名册的联络员（在家党员）：李某、王某"]
    assert query(db_url, lambda s: [(li.member.name, li.member.phone, li.member.status, li.branch.name)
                                    for li in s.scalars(select(Liaison).order_by(Liaison.id))]) == [
        ("李某", "13900000001", "home", "白杨村党支部"), ("王某", "13900000002", "home", "白杨村党支部")]
    again = kiteline(db_url, "import", "orgs", write(tmp_path, "组织架构.csv", ORGS))
    assert "没有变化：文件与系统中的组织架构一致。" in again.output.splitlines()
    assert again.output.splitlines()[-1] == "红色联络员 2 人（新指定 0 人）。"
    exported = tmp_path / "导出.xlsx"
    assert kiteline(db_url, "export", "orgs", str(exported)).exit_code == 0
    rows = [list(r) for r in openpyxl.load_workbook(exported).active.iter_rows(values_only=True)]
    assert [row[-1] for row in rows] == ["红色联络员", "李某 13900000001、王某 13900000002", None, None]
    assert "没有变化：文件与系统中的组织架构一致。" in kiteline(db_url, "import", "orgs", str(exported)).output


def test_an_org_file_liaison_who_cannot_be_found_stops_the_whole_import(db_url, tmp_path):
    bad = ORGS.replace("红柳镇,沙河村党支部,钱某,13700001002,", "红柳镇,沙河村党支部,钱某,13700001002,周某")
    result = kiteline(db_url, "import", "orgs", write(tmp_path, "组织架构.csv", bad))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "组织架构没有导入：有问题的行 1 行。为免只导入一半，其他行也没有写入；请改正以下各行后重新导入：",
        "  第3行（沙河村党支部）：联络员周某不在本支部名册中，也没写手机号；请写成“周某 13900001111”（不在名册的会作为在家党员加入名册）"]
    assert query(db_url, lambda s: s.scalars(select(Member)).all()) == []


def test_a_messy_liaison_list_names_liaisons_and_assigns_members_once(district, tmp_path):
    path = liaison_list_xlsx(tmp_path / "联络员名单.xlsx")
    dry = kiteline(district, "import", "liaisons", path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [DRY_RUN_NOTE, IMPORTED[0].replace("联络员名单导入完成：", "试导入结果："), *IMPORTED[1:]]
    assert set(liaison_of(district).values()) == {None}

    first = kiteline(district, "import", "liaisons", path)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == IMPORTED
    assert liaison_of(district) == {"张某": "李某", "赵某": "李某", "孙某": "王某", "钱某": None, "吴某": None,
                                    "郑某": "周某", "冯某": None, "陈某": None}
    assert query(district, lambda s: s.scalar(select(Member).where(Member.name == "周某")).phone) == "13900000003"

    again = kiteline(district, "import", "liaisons", path)
    assert again.output.splitlines()[:2] == [
        "联络员名单导入完成：党支部 2 个，红色联络员 3 人（新指定 0 人），负责党员 4 人（新分配 0 人，改换联络员 0 人，无变化 4 人）。",
        "没有变化：文件与系统中的联络员一致。"]
    assert query(district, lambda s: len(s.scalars(select(LiaisonAssignment)).all())) == 4


def test_every_bad_row_of_a_liaison_list_is_named_and_nothing_is_stored(district, tmp_path):
    text = ("所属党支部,联络员,联络员电话,负责党员\n"
            "红柳镇白杨村党支部,李某,,张某、查无此人\n"       # a member not on the branch's roster
            "红柳镇白杨村党支部,王某,,张某\n"               # 张某 given a second liaison
            "红柳镇东风村党支部,吴某,13900000009,\n"         # no such branch
            "红柳镇沙河村党支部,周某,,郑某\n"               # not on the roster, no phone
            "红柳镇沙河村党支部,,13900000003,冯某\n"         # no name
            "红柳镇沙河村党支部,何某,1390000,\n")           # a phone that is not one
    result = kiteline(district, "import", "liaisons", write(tmp_path, "名单.csv", text))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "联络员名单没有导入：有问题的行 6 行。为免只导入一半，其他行也没有写入；请改正以下各行后重新导入：",
        "  第2行（李某）：负责党员查无此人不在本支部名册中；请核对姓名，或先导入台账",
        "  第3行（王某）：负责党员张某在第2行已由李某负责；一人只有一位联络员，请只留一处",
        "  第4行（吴某）：所属党支部“红柳镇东风村党支部”在系统中找不到（导入时加 --create-orgs 可自动建立）",
        "  第5行（周某）：联络员周某不在本支部名册中，也没写手机号；请写成“周某 13900001111”（不在名册的会作为在家党员加入名册）",
        "  第6行：写了联络员电话，但联络员是空的；写了负责党员，但没写联络员",
        "  第7行（何某）：联络员电话：手机号应为11位数字（表中是“1390000”）"]
    assert set(liaison_of(district).values()) == {None}
    assert query(district, lambda s: len(s.scalars(select(Liaison)).all())) == 2


def test_assign_balances_each_branch_and_names_a_branch_without_a_liaison(district, tmp_path):
    kiteline(district, "import", "liaisons", liaison_list_xlsx(tmp_path / "联络员名单.xlsx"))
    result = kiteline(district, "liaisons", "assign", "--org", "红柳镇")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "红柳镇机关党支部：1 名流动党员没有分配，本支部还没有红色联络员；请在组织架构表“红色联络员”一列或用 kiteline import liaisons 指定联络员后再运行",
        "红柳镇沙河村党支部：1 名流动党员分配了联络员 —— 周某 +1（共 2 人）",
        "红柳镇白杨村党支部：2 名流动党员分配了联络员 —— 李某 +1（共 3 人）、王某 +1（共 2 人）",
        "共分配 3 人，1 人没有联络员可分配。",
        "没有绑定微信、请电话告知的联络员：王某、李某、周某"]
    assert liaison_of(district) == {"张某": "李某", "赵某": "李某", "孙某": "王某", "钱某": "王某", "吴某": "李某",
                                    "郑某": "周某", "冯某": "周某", "陈某": None}
    assert query(district, lambda s: {a.source for a in s.scalars(select(LiaisonAssignment))}) == {"import", "assign"}

    one_branch = kiteline(district, "liaisons", "assign", "--org", "白杨村党支部")
    assert (one_branch.exit_code, one_branch.output) == (0, "白杨村党支部的流动党员都已有红色联络员，没有要分配的。\n")
    listed = kiteline(district, "liaisons", "list", "--org", "红柳镇")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "红色联络员（红柳镇：党支部 3 个，联络员 3 人）",
        "红柳镇机关党支部：没有红色联络员，流动党员 1 人都没有联络员",
        "红柳镇沙河村党支部：联络员 1 人，流动党员 2 人，其中没有联络员的 0 人",
        "  周某      139****0003  未绑定微信  负责 2 人（流动 2 人）  未办结求助 0 件",
        "红柳镇白杨村党支部：联络员 2 人，流动党员 5 人，其中没有联络员的 0 人",
        "  李某      139****0001  未绑定微信  负责 3 人（流动 3 人）  未办结求助 0 件",
        "  王某      139****0002  未绑定微信  负责 2 人（流动 2 人）  未办结求助 0 件"]


def test_a_list_moving_a_member_hands_over_their_open_ticket(district, tmp_path):
    kiteline(district, "import", "liaisons", liaison_list_xlsx(tmp_path / "联络员名单.xlsx"))

    def bind_and_file(s):
        for name, openid in (("李某", "oKite_liaison_0001"), ("王某", "oKite_liaison_0002")):
            s.scalar(select(Member).where(Member.name == name)).openid = openid
        member = s.scalar(select(Member).where(Member.name == "张某"))
        now = dt.datetime.now(dt.timezone.utc)
        s.add(Ticket(number="Q20261129001", member_id=member.id, liaison_id=member.liaison_id, topic="wages",
                     description="老板拖欠了三个月工资", status="new", created_at=now, due_at=now,
                     holder_id=member.liaison.member_id))
        s.commit()
    query(district, bind_and_file)
    result = kiteline(district, "import", "liaisons", write(tmp_path, "调整.csv", "所属党支部,联络员,负责党员\n白杨村党支部,王某,张某\n"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "联络员名单导入完成：党支部 1 个，红色联络员 1 人（新指定 0 人），负责党员 1 人（新分配 0 人，改换联络员 1 人，无变化 0 人）。",
        "改换联络员：", "  张某：李某 → 王某",
        "未办结求助 1 件随党员转给新联络员：Q20261129001",
        "微信通知的联络员：王某、李某",
        "这些支部还有 2 名流动党员没有联络员：可用 kiteline liaisons assign --org 支部名 均衡分配。"]

    def moved(s):
        ticket = s.scalar(select(Ticket))
        told = sorted(m.openid for m in s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "liaison_handover")))
        return ticket.liaison.member.name, ticket.holder.name, history(s, ticket)[-1].note, told
    assert query(district, moved) == ("王某", "王某", "红色联络员调整（联络员名单导入，调整.csv）：李某 → 王某",
                                      ["oKite_liaison_0001", "oKite_liaison_0002"])


def test_move_hands_members_over_and_refuses_what_it_cannot_find(district, tmp_path):
    kiteline(district, "import", "liaisons", liaison_list_xlsx(tmp_path / "联络员名单.xlsx"))
    not_theirs = kiteline(district, "liaisons", "move", "--from", "李某", "--to", "王某", "--members", "孙某")
    assert (not_theirs.exit_code, not_theirs.output) == (
        2, "“孙某”不是李某负责的党员，请核对（kiteline member show 可查看其联络员）。\n")
    nobody = kiteline(district, "liaisons", "move", "--from", "13900000009", "--to", "王某")
    assert nobody.exit_code == 2
    assert nobody.output.startswith("没有找到红色联络员“13900000009”")
    assert liaison_of(district)["张某"] == "李某"

    dry = kiteline(district, "liaisons", "move", "--from", "李某", "--to", "王某", "--members", "赵某", "--dry-run")
    assert dry.output.splitlines()[:2] == [liaisons_cli.DRY_RUN_NOTE, "已把李某负责的 1 名党员改由王某联系：赵某"]
    assert liaison_of(district)["赵某"] == "李某"
    one = kiteline(district, "liaisons", "move", "--from", "李某/13900000001", "--to", "王某", "--members", "赵某")
    assert one.exit_code == 0, one.output
    assert one.output.splitlines() == ["已把李某负责的 1 名党员改由王某联系：赵某",
                                       "没有绑定微信、请电话告知的联络员：王某、李某"]
    everyone = kiteline(district, "liaisons", "move", "--from", "李某", "--to", "吴某", "--by", "赵某书记")
    assert everyone.exit_code == 0, everyone.output
    assert everyone.output.splitlines()[0] == "已把李某负责的 1 名党员改由吴某（已设为本支部红色联络员）联系：张某"
    assert liaison_of(district) == {"张某": "吴某", "赵某": "王某", "孙某": "王某", "钱某": None, "吴某": None,
                                    "郑某": "周某", "冯某": None, "陈某": None}
    assert query(district, lambda s: [(a.source, a.changed_by, a.until_at is None) for a in s.scalars(
        select(LiaisonAssignment).join(Member, Member.id == LiaisonAssignment.member_id)
        .where(Member.name == "张某").order_by(LiaisonAssignment.id))]) == [
        ("import", "联络员名单.xlsx", False), ("console", "赵某书记", True)]
