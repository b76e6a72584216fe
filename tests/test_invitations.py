"""Invitation QR codes for branch staff: export them, and a scan binds that very member."""
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from tests.conftest import CONFIG_FILE, SHARED


def kiteline(db_url, *args):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output
    return result.output


def test_exported_invitation_binds_the_member_who_scans_it(db_url, tmp_path, app, settings, make_chat):
    kiteline(db_url, "import", "members", str(SHARED / "ledgers" / "ledger_clean.xlsx"), "--create-orgs")
    out = tmp_path / "邀请.xlsx"
    assert kiteline(db_url, "export", "invitations", str(out), "--branch", "红柳镇白杨村党支部") == (
        f"已导出 13 名未绑定党员的邀请二维码：{out}\n")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "所属党支部", "手机号", "绑定码", "邀请二维码链接")
    name, branch, phone, code, url = rows[1]
    assert (name, branch, phone) == ("高某海", "红柳镇白杨村党支部", "138****4179")
    scanned = app.test_client().get(url.removeprefix(settings.server.public_base_url)).get_json()
    assert scanned["scene"] == {"scene_str": f"bind_{code}"}

    reply = make_chat("oKite_new_0001").follow(scene=f"bind_{code}")
    assert reply.startswith("欢迎关注！绑定成功！高某海您好")
