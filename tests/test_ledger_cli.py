"""``kiteline import members FILE [--create-orgs]`` as a branch secretary runs it."""
from click.testing import CliRunner

import bot.import_cli  # noqa: F401  (registers ``import members``)
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
                            "新建党组织：红柳镇白杨村党支部、红柳镇沙河村党支部、红柳镇新建社区党支部\n")
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
