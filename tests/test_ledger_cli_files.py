"""``kiteline import members --dry-run / --errors FILE`` and ``kiteline export members`` as branch
staff run them: nothing to guess, nothing written by a trial, every rejected row back in a file
they can correct and import."""
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from bot.cli import main
from bot.import_cli import DRY_RUN_NOTE
from models.ledger_files import read_table
from models.member import Member, MemberChange
from models.org import Organization
from tests.conftest import CONFIG_FILE, SHARED

MESSY = str(SHARED / "ledgers" / "ledger_messy.xlsx")
FIRST_LINE = "导入完成：新增 60 人，更新 0 人，无变化 0 人；有问题的行 4 行（未导入）。"


def kiteline(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def counts(db_url):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        found = tuple(conn.scalar(select(func.count()).select_from(m)) for m in (Member, MemberChange, Organization))
    engine.dispose()
    return found


@pytest.mark.postgres
def test_a_dry_run_reports_what_an_import_would_do_and_writes_nothing(db_url):
    trial = kiteline(db_url, "import", "members", MESSY, "--create-orgs", "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert counts(db_url) == (0, 0, 0)
    real = kiteline(db_url, "import", "members", MESSY, "--create-orgs")
    # the same report, headed as a trial: nothing was imported
    assert trial.output == f"{DRY_RUN_NOTE}\n" + real.output.replace("导入完成：", "试导入结果：", 1)
    assert real.output.splitlines()[0] == FIRST_LINE


def test_a_dry_run_of_a_changed_ledger_records_no_change(db_url, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text("姓名,手机号,所属党支部,流动去向（市）\n张某,13800001234,红柳镇白杨村党支部,深圳\n", encoding="utf-8")
    kiteline(db_url, "import", "members", str(path), "--create-orgs")
    path.write_text("姓名,手机号,所属党支部,流动去向（市）\n张某,13800001234,红柳镇白杨村党支部,苏州\n", encoding="utf-8")
    trial = kiteline(db_url, "import", "members", str(path), "--dry-run")
    assert trial.output.splitlines()[1] == "试导入结果：新增 0 人，更新 1 人，无变化 0 人；有问题的行 0 行（未导入）。"
    assert counts(db_url) == (1, 0, 4)


@pytest.mark.postgres
def test_rejected_rows_come_back_in_a_file_staff_correct_and_import(db_url, tmp_path):
    errors = tmp_path / "未导入.xlsx"
    result = kiteline(db_url, "import", "members", MESSY, "--create-orgs", "--errors", str(errors))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (f"未导入的 4 行已写入 {errors}（原样各列，加“问题”一列）；"
                                              "在表里改正后直接导入这个文件即可。")
    rows = read_table(errors)
    assert rows[0] == ("序号", "姓名", "性别", "联系电话 ", "所属党支部", "入党时间", "外出时间", "流动去向\n（省）",
                       "流动去向（市）", "外出原因", "工作单位", "备注", "问题")
    assert [(r[0], r[1], r[-1]) for r in rows[1:]] == [
        (61, "刘某强强", "手机号应为11位数字（表中是“1380000123”）"),
        (62, None, "姓名为空"),
        (63, "孔某杰", "与第7行重复"),
        (64, "孙某梅梅", "所属党支部“不存在的党支部”找不到，也看不出属于哪个乡镇，请写全称，如“红柳镇白杨村党支部”；"
                        "外出时间“2024.13”看不懂"),
    ]
    book = openpyxl.load_workbook(errors)
    sheet = book.active
    sheet["D2"], sheet["B3"], sheet["E5"], sheet["G5"] = "13800001239", "周某兰", "红柳镇沙河村党支部", "2024.12"
    sheet.delete_rows(4)  # the repeated row
    book.save(errors)
    fixed = kiteline(db_url, "import", "members", str(errors), "--errors", str(tmp_path / "还有问题.xlsx"))
    assert fixed.output.splitlines()[0] == "导入完成：新增 3 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。"
    assert "未识别的列" not in fixed.output  # the 问题 column is passed over
    assert read_table(tmp_path / "还有问题.xlsx") == [(*rows[0],)]
    assert counts(db_url)[:2] == (63, 0)


@pytest.mark.postgres
def test_the_messy_ledger_imported_again_adds_nobody_and_records_no_change(db_url):
    kiteline(db_url, "import", "members", MESSY, "--create-orgs")
    before = counts(db_url)
    again = kiteline(db_url, "import", "members", MESSY)
    assert again.output.splitlines()[0] == "导入完成：新增 0 人，更新 0 人，无变化 60 人；有问题的行 4 行（未导入）。"
    assert counts(db_url) == before == (60, 0, 8)


@pytest.mark.postgres
def test_the_export_imported_again_changes_nothing(db_url, tmp_path):
    kiteline(db_url, "import", "members", MESSY, "--create-orgs")
    out = tmp_path / "导出.xlsx"
    exported = kiteline(db_url, "export", "members", str(out))
    assert exported.exit_code == 0, exported.output
    assert exported.output == f"已导出 60 人到 {out}（全部党组织）。表中手机号是完整号码，请像纸质台账一样妥善保管。\n"
    again = kiteline(db_url, "import", "members", str(out))
    assert again.output == "导入完成：新增 0 人，更新 0 人，无变化 60 人；有问题的行 0 行（未导入）。\n"
    assert counts(db_url) == (60, 0, 8)


def test_export_of_one_branch_and_of_an_unknown_one(db_url, tmp_path):
    kiteline(db_url, "import", "members", MESSY, "--create-orgs")
    out = tmp_path / "白杨村.xlsx"
    result = kiteline(db_url, "export", "members", str(out), "--org", "白杨村党支部")
    assert result.output.startswith(f"已导出 {len(read_table(out)) - 2} 人到 {out}（白杨村党支部）。")
    assert {r[4] for r in read_table(out)[2:]} == {"红柳镇白杨村党支部"}
    unknown = kiteline(db_url, "export", "members", str(out), "--org", "白杨")
    assert (unknown.exit_code, unknown.output) == (
        2, "没有名为“白杨”的党组织，请核对名称（与台账、组织架构里写法一致）。\n")


def test_no_progress_line_unless_stderr_is_a_terminal(db_url):
    result = kiteline(db_url, "import", "members", MESSY, "--create-orgs")
    assert "已读" not in result.output
