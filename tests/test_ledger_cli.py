"""``kiteline import members FILE [--create-orgs]`` as a branch secretary runs it."""
import zipfile

import pytest
from click.testing import CliRunner

import bot.import_cli
from bot.cli import main
from tests.conftest import CONFIG_FILE, SHARED

CLEAN = str(SHARED / "ledgers" / "ledger_clean.xlsx")


def invoke(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "import", "members", *args],
                              env={"KITELINE_DATABASE__URL": db_url})


def test_import_clean_ledger_then_again(db_url):
    first = invoke(db_url, CLEAN, "--create-orgs")
    assert first.exit_code == 0, first.output
    assert first.output == ("导入完成：新增 30 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。\n"
                            "新建党组织 8 个：\n"
                            "  区县：示例区\n"
                            "  乡镇（街道）：红柳镇\n"
                            "  村（社区）：白杨村、沙河村、新建社区\n"
                            "  党支部：红柳镇白杨村党支部、红柳镇沙河村党支部、红柳镇新建社区党支部\n")
    again = invoke(db_url, CLEAN)
    assert again.output == "导入完成：新增 0 人，更新 0 人，无变化 30 人；有问题的行 0 行（未导入）。\n"


def test_unreadable_file_exits_2(db_url, tmp_path):
    path = tmp_path / "台账.txt"
    path.write_text("张某")
    result = invoke(db_url, str(path))
    assert result.exit_code == 2
    assert "只支持 .xlsx 或 .csv 文件" in result.output


def test_sheet_without_header_exits_2_and_imports_nothing(db_url, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text("张某,13800001234\n", encoding="utf-8")
    result = invoke(db_url, str(path))
    assert result.exit_code == 2
    assert "没有导入任何人" in result.output


def make_text_xlsx(path):
    path.write_text("姓名,手机号\n张某,13800001234\n", encoding="utf-8")


def make_hollow_zip(path):
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("readme.txt", "not a workbook")


@pytest.mark.parametrize("make", [make_text_xlsx, make_hollow_zip, lambda path: path.write_bytes(b"")])
def test_a_fake_or_damaged_xlsx_exits_2_with_a_clear_message(db_url, tmp_path, make):
    path = tmp_path / "台账.xlsx"
    make(path)
    result = invoke(db_url, str(path), "--create-orgs")
    assert result.exit_code == 2
    assert result.output == (f"无法读取 {path}：这不是一个完好的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。"
                             "请用 Excel 或 WPS 打开台账，“另存为”Excel 工作簿（.xlsx）后再导入\n")


def test_a_file_that_cannot_be_opened_exits_2(db_url, tmp_path, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(bot.import_cli, "open_table", refuse)
    result = invoke(db_url, CLEAN)
    assert result.exit_code == 2
    assert result.output == f"无法读取 {CLEAN}：文件打不开，请确认它没有被其他程序占用、本账号有权读取。\n"


def test_the_tester_ledger_imports_every_member_and_says_what_to_check(db_url, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text("姓名,手机号,所属党支部,入党时间,现在在哪（市）,流动地点,籍贯\n"
                    "张某,13800001234,红柳镇白杨村党支部,2019年13月,广东深圳,,山西\n"
                    "王某,13800005678,红柳镇白杨村党支部,2018.5,,深圳市南山区,山西\n", encoding="utf-8")
    result = invoke(db_url, str(path), "--create-orgs")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        "导入完成：新增 2 人，更新 0 人，无变化 0 人；有问题的行 0 行（未导入）。",
        "未识别的列（未导入）：籍贯；如需导入，请把表头改成常用写法（如“流动去向（市）”“工作单位”）后重新导入",
    ]
    assert lines[-2:] == ["请核对以下 1 行（已导入）：", "  第2行（张某）：入党时间“2019年13月”看不懂，已留空"]
