"""What a command builds before its own work: the router only where messages are routed."""
import pytest
from click.testing import CliRunner

import handlers.nlu.router
from bot.app import create_app
from bot.cli import main
from models.settings import NluSettings
from tests.conftest import CONFIG_FILE, SHARED


@pytest.fixture
def no_router(monkeypatch):
    """Building a router fails loudly: a command that does so shows it in its exit code."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("this command built the intent router")
    monkeypatch.setattr(handlers.nlu.router.Router, "__init__", refuse)


@pytest.mark.parametrize("args", [
    ["db", "upgrade"],
    ["import", "members", str(SHARED / "ledgers" / "ledger_clean.xlsx"), "--create-orgs"],
    ["report", "delivery"],
    ["dispatcher", "--once"],
])
def test_commands_that_route_no_message_build_no_router(no_router, db_url, args):
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args],
                                env={"KITELINE_DATABASE__URL": db_url})
    assert result.exit_code == 0, result.output + repr(result.exception)


def test_the_webhook_app_builds_the_router(no_router, settings, clock):
    # An nlu section of its own: no router of an earlier test's app is at hand to be reused.
    own = settings.model_copy(update={"nlu": NluSettings(synonyms={"集结号": "组织生活"})})
    with pytest.raises(AssertionError, match="built the intent router"):
        create_app(own, clock=clock)


@pytest.mark.parametrize("args", [["report", "delivery"], ["export", "members", "out.xlsx"]])
def test_a_read_only_command_on_a_sqlite_file_that_is_not_there_says_so(tmp_path, monkeypatch, args):
    """Run from another folder, a relative database.url names no file: said, not an empty report."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args],
                                env={"KITELINE_DATABASE__URL": "sqlite:///var/kiteline.db"})
    assert result.exit_code == 2
    assert "找不到数据库文件" in result.output and "绝对路径" in result.output
    assert not (tmp_path / "var" / "kiteline.db").exists()
