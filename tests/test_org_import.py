"""``kiteline import orgs FILE`` as district staff run it: the org file (组织架构表) they keep in
Excel becomes the org tree — townships, branches, secretaries, township contacts — every bad row
named, nothing half-stored, a second import changing nothing; the ledger then finds its branches."""
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.import_cli import DRY_RUN_NOTE
from models.member import Member
from models.org import Organization
from models.org_report import OrgImportReport, PersonCheck
from tests.conftest import CONFIG_FILE

pytestmark = pytest.mark.postgres

HEADER = "乡镇（街道）,党支部,书记,书记电话,支部电话,乡镇联系人,乡镇联系电话\n"
TWO_BRANCHES = (HEADER + "红柳镇,白杨村党支部,王某,13700001001,0471-5550001,赵某,13700002001\n"
                "红柳镇,沙河村党支部,钱某,13700001002,0471-5550002,赵某,13700002001\n")
MESSY_REPORT = [
    "组织架构导入完成：乡镇（街道）2 个（新增 2，更新 0），党支部 4 个（新增 4，更新 0，无变化 0）。",
    "书记 4 人：0 人已在名册中（0 人已绑定微信）。",
    "不在名册中的书记（把他们列入台账导入后即可绑定）：王某（红柳镇白杨村党支部）、钱某（红柳镇沙河村党支部）、"
    "孙某（红柳镇机关党支部）、李某（青石街道新建社区党支部）",
    "乡镇联系人 2 人：0 人已在名册中（0 人已绑定微信）。",
    "不在名册中的乡镇联系人（把他们列入台账导入后即可绑定）：赵某（红柳镇）、周某（青石街道）",
    "未识别的列（未导入）：备注；如需导入，请把表头改成“书记”“书记电话”“支部电话”“乡镇联系人”“乡镇联系电话”“红色联络员”这样的写法",
]
# (kind, name, parent, branch phone, secretary or contact, their phone)
MESSY_TREE = [
    ("district", "示例区", None, None, None, None),
    ("township", "红柳镇", "示例区", None, "赵某", "13700002001"),
    ("township", "青石街道", "示例区", None, "周某", "13700002002"),
    ("village", "白杨村", "红柳镇", None, None, None),
    ("branch", "白杨村党支部", "白杨村", "0471-5550001", "王某", "13700001001"),
    ("village", "沙河村", "红柳镇", None, None, None),
    ("branch", "沙河村党支部", "沙河村", "0471-5550002", "钱某", "13700001002"),
    ("branch", "机关党支部", "红柳镇", None, "孙某", "13700001003"),
    ("village", "新建社区", "青石街道", None, None, None),
    ("branch", "新建社区党支部", "新建社区", "13700001104", "李某", "13700001004"),
]


def kiteline(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def tree(db_url) -> list[tuple]:
    engine = create_engine(db_url)
    with Session(engine) as session:
        nodes = session.scalars(select(Organization).order_by(Organization.id)).all()
        found = [(n.kind, n.name, n.parent.name if n.parent else None, n.contact_phone, n.secretary_name,
                  n.secretary_phone) for n in nodes]
    engine.dispose()
    return found


def write_csv(tmp_path, text: str, name: str = "组织架构.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def messy_xlsx(path) -> str:
    """As a district office keeps it: a title, a blank row, 序号, the township merged down over
    its branches (written as its committee), a bare 联系电话 after 书记, full-width digits, a
    phone typed as a number, a branch written township first, a secretary with the phone in the
    name cell, a spaced landline, a notes column, a subtotal and a total."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["示例区基层党组织及书记名单"])
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(["序号", "所属乡镇（街道）", "党支部名称", "支部书记", "联系电话", "支部电话", "乡镇联系人",
                  "乡镇联系电话", "备注"])
    sheet.append([1, "红柳镇党委", "白杨村党支部", "王某", "１３７００００１００１", "0471-5550001", "赵某", 13700002001])
    sheet.append([2, None, "红柳镇沙河村党支部", "钱某", 13700001002, "0471 5550002"])
    sheet.append([3, None, "机关党支部", "孙某 13700001003", None, None, None, None, "新成立"])
    sheet.append([None, None, "小计：3个"])
    sheet.append([4, "青石街道", "新建社区党支部", "李某", "137-0000-1004", "13700001104", "周某", "13700002002"])
    sheet.append(["合计：4个党支部"])
    for cells in ("B4:B7", "G4:G7", "H4:H7"):
        sheet.merge_cells(cells)
    book.save(path)
    return str(path)


def test_a_messy_xlsx_builds_the_tree_and_a_second_import_changes_nothing(db_url, tmp_path):
    path = messy_xlsx(tmp_path / "组织架构.xlsx")
    first = kiteline(db_url, "import", "orgs", path)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == MESSY_REPORT
    assert tree(db_url) == MESSY_TREE

    again = kiteline(db_url, "import", "orgs", path)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[:2] == [
        "组织架构导入完成：乡镇（街道）2 个（新增 0，更新 0），党支部 4 个（新增 0，更新 0，无变化 4）。",
        "没有变化：文件与系统中的组织架构一致。"]
    assert tree(db_url) == MESSY_TREE


def test_a_csv_with_title_rows_and_other_header_words_in_gb18030(db_url, tmp_path):
    path = write_csv(tmp_path, "示例区党组织名单,,,,\n填报日期：2026年11月,,,,\n"
                               "乡镇,支部,书记姓名,书记手机,党支部联系电话,所属乡镇联系人,联系电话\n"
                               "青石街道党工委,和平社区党支部,吴某,１３７０００３３００１,010-55500001转８０１,周某,13700002002\n"
                               "青石街道,青石街道机关党支部,郑某,,,周某,\n", encoding="gb18030")
    result = kiteline(db_url, "import", "orgs", path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == [
        "组织架构导入完成：乡镇（街道）1 个（新增 1，更新 0），党支部 2 个（新增 2，更新 0，无变化 0）。",
        "书记 2 人：0 人已在名册中（0 人已绑定微信）。",
        "不在名册中的书记（把他们列入台账导入后即可绑定）：吴某（青石街道和平社区党支部）",
        "没写书记手机号的（认不出是名册中的谁，请补上）：青石街道机关党支部"]
    assert tree(db_url)[1:] == [
        ("township", "青石街道", "示例区", None, "周某", "13700002002"),
        ("village", "和平社区", "青石街道", None, None, None),
        ("branch", "和平社区党支部", "和平社区", "010-55500001转801", "吴某", "13700033001"),
        ("branch", "机关党支部", "青石街道", None, "郑某", None),
    ]


def test_a_changed_secretary_and_phone_are_updated_and_reported(db_url, tmp_path):
    kiteline(db_url, "import", "orgs", write_csv(tmp_path, TWO_BRANCHES))
    changed = TWO_BRANCHES.replace("王某,13700001001,0471-5550001", "郑某,13700001009,0471-5550009") \
                          .replace("赵某,13700002001", "赵某,13700002009")
    result = kiteline(db_url, "import", "orgs", write_csv(tmp_path, changed))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:5] == [
        "组织架构导入完成：乡镇（街道）1 个（新增 0，更新 1），党支部 2 个（新增 0，更新 1，无变化 1）。",
        "更新 3 处：",
        "  红柳镇：乡镇联系人 赵某（137****2001） → 赵某（137****2009）",
        "  红柳镇白杨村党支部：书记 王某（137****1001） → 郑某（137****1009）",
        "  红柳镇白杨村党支部：支部电话 0471-5550001 → 0471-5550009"]
    assert tree(db_url)[1] == ("township", "红柳镇", "示例区", None, "赵某", "13700002009")
    assert tree(db_url)[3] == ("branch", "白杨村党支部", "白杨村", "0471-5550009", "郑某", "13700001009")


def test_empty_cells_leave_what_is_stored(db_url, tmp_path):
    kiteline(db_url, "import", "orgs", write_csv(tmp_path, TWO_BRANCHES))
    result = kiteline(db_url, "import", "orgs", write_csv(tmp_path, "乡镇,党支部\n红柳镇,白杨村党支部\n"))
    assert result.output.splitlines()[1] == "没有变化：文件与系统中的组织架构一致。"
    assert tree(db_url)[3] == ("branch", "白杨村党支部", "白杨村", "0471-5550001", "王某", "13700001001")


def test_a_dry_run_reports_and_writes_nothing(db_url, tmp_path):
    path = messy_xlsx(tmp_path / "组织架构.xlsx")
    trial = kiteline(db_url, "import", "orgs", path, "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert trial.output.splitlines() == [DRY_RUN_NOTE, MESSY_REPORT[0].replace("组织架构导入完成：", "试导入结果："),
                                         *MESSY_REPORT[1:]]
    assert tree(db_url) == []


BAD = "组织架构没有导入：有问题的行 {} 行。为免只导入一半，其他行也没有写入；请改正以下各行后重新导入："


@pytest.mark.parametrize("rows, reasons", [
    ("红柳镇,白杨村党支部,王某,13700001001,,,\n红柳镇,白杨村党支部,王某,13700001009,,,\n",
     ["  第4行（白杨村党支部）：红柳镇的“白杨村党支部”在第3行已经列过，两行不一致（书记 王某（137****1001） / "
      "王某（137****1009）），请只留一行"]),
    (",沙河村党支部,钱某,13700001002,,,\n",
     ["  第3行（沙河村党支部）：“沙河村党支部”的乡镇（街道）是空的，不知道它属于哪个乡镇（街道）"]),
    ("红柳镇,新建社区党支部,李某,1370000100,12345,,\n红柳镇,机关党支部,孙某,,,赵某,电话待补\n",
     ["  第3行（新建社区党支部）：书记电话：手机号应为11位数字（表中是“1370000100”）；支部电话“12345”不是电话号码"
      "（手机号11位，座机请带区号，如 0471-5550001）",
      "  第4行（机关党支部）：乡镇联系电话：手机号应为11位数字（表中是“电话待补”）"]),
    ("红柳镇,白杨村党支部,,13700001001,,,\n", ["  第3行（白杨村党支部）：写了书记电话，但没写书记"]),
    ("红柳镇,白杨村党支部,,,,赵某,13700002001\n红柳镇,沙河村党支部,,,,钱某,13700002009\n",
     ["  第4行（沙河村党支部）：红柳镇的乡镇联系人在第3行是赵某（137****2001），这一行是钱某（137****2009），"
      "一个乡镇（街道）只能有一位，请改成一致"]),
], ids=["branch twice", "no township", "not a phone", "phone without a name", "two contacts"])
def test_a_bad_row_stores_nothing_and_is_named(db_url, tmp_path, rows, reasons):
    """A good row first (a new township), then the bad ones: nothing of the file is stored."""
    kiteline(db_url, "import", "orgs", write_csv(tmp_path, TWO_BRANCHES, "旧.csv"))
    before = tree(db_url)
    result = kiteline(db_url, "import", "orgs", write_csv(tmp_path, HEADER + "青石街道,和平社区党支部,,,,,\n" + rows))
    assert result.exit_code == 2
    assert result.output.splitlines() == [BAD.format(len(reasons)), *reasons]
    assert tree(db_url) == before  # not even the good row's new township


@pytest.mark.parametrize("text, message", [
    ("", "文件是空的"),
    ("乡镇,书记,书记电话\n红柳镇,王某,13700001001\n", "第1行是表头，但缺少“党支部”列（请加上这一列、填好后重新导入）"),
    ("党支部,书记\n白杨村党支部,王某\n", "第1行是表头，但缺少“乡镇（街道）”列（请加上这一列、填好后重新导入）"),
    ("乡镇（街道）,党支部\n合计,0\n", "第1行是表头，但下面没有任何乡镇（街道）或党支部"),
])
def test_a_file_without_organisations_stores_nothing(db_url, tmp_path, text, message):
    path = write_csv(tmp_path, text)
    result = kiteline(db_url, "import", "orgs", path)
    assert result.exit_code == 2
    assert result.output == f"{path}：{message}，组织架构没有导入。\n"
    assert tree(db_url) == []


def test_a_file_that_is_not_a_workbook_exits_2(db_url, tmp_path):
    path = write_csv(tmp_path, "乡镇,党支部\n", name="组织架构.xlsx")
    result = kiteline(db_url, "import", "orgs", path)
    assert result.exit_code == 2
    assert result.output.startswith(f"无法读取 {path}：这不是一个完好的 .xlsx 文件")


LEDGER = ("姓名,手机号,所属党支部,流动去向（市）\n张某,13800001234,红柳镇白杨村党支部,深圳\n"
          "王某,13700001001,白杨村党支部,\n赵某,13700002001,红柳镇沙河村党支部,\n")


def test_the_ledger_finds_the_org_file_branches_and_then_the_secretaries_are_on_the_roster(db_url, tmp_path):
    kiteline(db_url, "import", "orgs", write_csv(tmp_path, TWO_BRANCHES))
    ledger = kiteline(db_url, "import", "members", write_csv(tmp_path, LEDGER, "台账.csv"))  # no --create-orgs
    assert ledger.output == "导入完成：新增 3 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。\n"
    engine = create_engine(db_url)
    with Session(engine) as session:
        assert [(m.name, m.branch.name) for m in session.scalars(select(Member).order_by(Member.id))] == [
            ("张某", "白杨村党支部"), ("王某", "白杨村党支部"), ("赵某", "沙河村党支部")]
        assert session.scalar(select(func.count()).select_from(Organization)) == 6  # nothing new
    engine.dispose()
    again = kiteline(db_url, "import", "orgs", write_csv(tmp_path, TWO_BRANCHES))
    assert again.output.splitlines()[2:] == [
        "书记 2 人：1 人已在名册中（0 人已绑定微信，其余的绑定微信后即有支部书记身份）。",
        "不在名册中的书记（把他们列入台账导入后即可绑定）：钱某（红柳镇沙河村党支部）",
        "乡镇联系人 1 人：1 人已在名册中（0 人已绑定微信，其余的绑定微信后即有乡镇党委身份）。"]


def test_the_org_scope_of_an_export_finds_the_new_townships_and_branches(db_url, tmp_path):
    kiteline(db_url, "import", "orgs", write_csv(tmp_path, TWO_BRANCHES))
    kiteline(db_url, "import", "members", write_csv(tmp_path, LEDGER, "台账.csv"))
    for org, count in (("红柳镇", 3), ("白杨村党支部", 2), ("红柳镇沙河村党支部", 1)):
        result = kiteline(db_url, "export", "members", str(tmp_path / "台账导出.xlsx"), "--org", org)
        assert result.output.startswith(f"已导出 {count} 人"), (org, result.output)


def test_an_exported_org_file_imports_with_no_change(db_url, tmp_path):
    kiteline(db_url, "import", "orgs", messy_xlsx(tmp_path / "组织架构.xlsx"))
    exported = tmp_path / "导出.xlsx"
    result = kiteline(db_url, "export", "orgs", str(exported))
    assert result.output.splitlines()[-1] == (f"已导出 2 个乡镇（街道）、4 个党支部到 {exported}。"
                                              "表中手机号是完整号码，请妥善保管；改好后用 kiteline import orgs 导入。")
    rows = [list(r) for r in openpyxl.load_workbook(exported).active.iter_rows(values_only=True)]
    assert rows[:2] == [["乡镇（街道）", "党支部", "书记", "书记电话", "支部电话", "乡镇联系人", "乡镇联系电话", "红色联络员"],
                        ["红柳镇", "白杨村党支部", "王某", "13700001001", "0471-5550001", "赵某", "13700002001", None]]
    again = kiteline(db_url, "import", "orgs", str(exported))
    assert again.output.splitlines()[1] == "没有变化：文件与系统中的组织架构一致。"
    assert tree(db_url) == MESSY_TREE


def test_a_long_list_of_people_not_on_the_roster_is_counted_past_twenty():
    check = PersonCheck(count=25, missing=[f"张某{i}（红柳镇第{i}村党支部）" for i in range(25)])
    line = OrgImportReport(branches=25, branches_created=25, secretaries=check).summary().splitlines()[2]
    assert line.endswith("、张某19（红柳镇第19村党支部） 等 25 人")
    assert "张某20" not in line
