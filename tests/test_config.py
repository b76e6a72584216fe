"""Configuration: the shipped file is valid, overrides work, a bad value names its key."""
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings


def test_shipped_config_is_sandbox_on_sqlite(tmp_path):
    s = load_settings("config.yaml", env={})
    assert s.wechat.sandbox is True
    assert s.database.url.startswith("sqlite:///var/")
    assert s.scheduler.timezone == "Asia/Shanghai"
    assert s.wechat.api_base_url == "http://127.0.0.1:8080/cgi-bin/"


def test_environment_overrides_a_key_with_its_type():
    s = load_settings("config.yaml", env={"KITELINE_SERVER__PORT": "9000",
                                          "KITELINE_WECHAT__TOKEN": "abc123",
                                          "KITELINE_SCHEDULER__ENABLED": "false"})
    assert s.server.port == 9000
    assert s.wechat.token == "abc123"
    assert s.scheduler.enabled is False
    assert s.wechat.api_base_url == "http://127.0.0.1:9000/cgi-bin/"


def test_kiteline_config_names_another_file(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("district:\n  name: 红柳区\n", encoding="utf-8")
    assert load_settings(env={"KITELINE_CONFIG": str(other)}).district.name == "红柳区"


@pytest.mark.parametrize("yaml_text, key", [
    ("wechat:\n  encoding_aes_key: tooshort\n", "wechat.encoding_aes_key"),
    ("server:\n  port: 70000\n", "server.port"),
    ("scheduler:\n  timezone: Mars/Olympus\n", "scheduler.timezone"),
    ("scheduler:\n  lesson_schedules:\n    - id: a\n      cron: '30 8 *'\n", "scheduler.lesson_schedules.0.cron"),
    ("scheduler:\n  lesson_schedules:\n    - id: a\n      cron: '30 25 * * *'\n", "scheduler.lesson_schedules.0.cron"),
    ("database:\n  urll: sqlite://\n", "database.urll"),
    ("database:\n  url: notaurl\n", "database.url"),
    ("database:\n  url: mysql://root@localhost/k\n", "database.url"),
    ("server:\n  host: 999.1.1.1\n", "server.host"),
    ("server:\n  host: 'my host'\n", "server.host"),
    ("server:\n  public_base_url: not a url\n", "server.public_base_url"),
    ("wechat:\n  encoding_aes_key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!\n", "wechat.encoding_aes_key"),
    ("points:\n  rules: {study: -1}\n", "points.rules.study"),
    ("district:\n  service_hotline: ''\n", "district.service_hotline"),
    ("redis:\n  url: notaurl\n", "redis.url"),
    ("wechat:\n  sandbox: false\n", "wechat"),
    ("binding:\n  max_failures: 0\n", "binding.max_failures"),
    ("binding:\n  cooldown_hours: 0\n", "binding.cooldown_hours"),
    ("binding:\n  window_hours: forever\n", "binding.window_hours"),
])
def test_bad_value_names_its_key(tmp_path, yaml_text, key):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(bad, env={})
    assert str(err.value).startswith(key + ":")


def test_missing_named_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml", env={})


def test_cli_exits_non_zero_naming_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("server:\n  port: abc\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "from bot.cli import run; run()", "--config", str(bad),
                           "db", "upgrade"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "server.port" in done.stderr
