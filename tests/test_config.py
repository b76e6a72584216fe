"""Configuration: the shipped file is valid, overrides work, a bad value names its key."""
import subprocess
import sys

import pytest

from models.settings import ConfigError, load_settings


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
    ("transfer:\n  after_months: 0\n", "transfer.after_months"),
    ("transfer:\n  after_months: six\n", "transfer.after_months"),
    ("transfer:\n  guide_cron: '0 10 * *'\n", "transfer.guide_cron"),
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


@pytest.mark.parametrize("secret", ["!abc123", "[abc", "{xy", "#notacomment", "&anchor", "*alias",
                                    "%dir", "@at", "`tick", "a: b", "- item"])
def test_an_environment_value_yaml_cannot_read_is_taken_as_written(secret):
    s = load_settings("config.yaml", env={"KITELINE_WECHAT__TOKEN": secret})
    assert s.wechat.token == secret


def test_an_environment_number_for_a_text_key_stays_text():
    s = load_settings("config.yaml", env={"KITELINE_WECHAT__TOKEN": "123456",
                                          "KITELINE_DISTRICT__SERVICE_HOTLINE": "12345"})
    assert (s.wechat.token, s.district.service_hotline) == ("123456", "12345")


def test_a_yaml_list_from_the_environment_still_works():
    s = load_settings("config.yaml", env={
        "KITELINE_SCHEDULER__LESSON_SCHEDULES": '[{id: every_minute, cron: "* * * * *"}]'})
    assert [x.id for x in s.scheduler.lesson_schedules] == ["every_minute"]


@pytest.mark.parametrize("env", [
    {"KITELINE_WECHAT__APP_ID": "wx2c2769f8efd9abc2"},
    {"KITELINE_WECHAT__APP_SECRET": "0123456789abcdef0123456789abcdef"},
    {"KITELINE_WECHAT__APP_ID": "wx2c2769f8efd9abc2", "KITELINE_WECHAT__APP_SECRET": "real-secret"},
])
def test_real_credentials_never_run_the_sandbox(env):
    with pytest.raises(ConfigError) as err:
        load_settings("config.yaml", env=env)
    message = str(err.value)
    assert message.startswith("wechat.sandbox:")
    assert "wechat.app_id" in message and "wechat.app_secret" in message
    assert "0123456789abcdef0123456789abcdef" not in message and "real-secret" not in message


def test_real_credentials_start_with_the_sandbox_off():
    s = load_settings("config.yaml", env={"KITELINE_WECHAT__SANDBOX": "false",
                                          "KITELINE_WECHAT__APP_ID": "wx2c2769f8efd9abc2",
                                          "KITELINE_WECHAT__APP_SECRET": "0123456789abcdef0123456789abcdef"})
    assert s.wechat.sandbox is False and s.wechat.api_base_url == "https://api.weixin.qq.com/cgi-bin/"


@pytest.mark.parametrize("encryption", ["compatible", "safe"])
def test_an_encrypted_mode_needs_the_key(encryption):
    with pytest.raises(ConfigError, match="^wechat.encryption:"):
        load_settings("config.yaml", env={"KITELINE_WECHAT__ENCRYPTION": encryption})


def test_a_key_without_a_mode_means_safe_mode():
    from tests.conftest import TEST_AES_KEY
    s = load_settings("config.yaml", env={"KITELINE_WECHAT__ENCODING_AES_KEY": TEST_AES_KEY})
    assert s.wechat.encryption == "safe"
    assert load_settings("config.yaml", env={}).wechat.encryption == "plain"


def test_a_real_server_refusing_to_start_says_why(tmp_path):
    done = subprocess.run([sys.executable, "-c", "from bot.cli import run; run()", "db", "upgrade"],
                          capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "KITELINE_DATABASE__URL": f"sqlite:///{tmp_path}/k.db",
                               "KITELINE_WECHAT__APP_ID": "wx2c2769f8efd9abc2",
                               "KITELINE_WECHAT__APP_SECRET": "0123456789abcdef0123456789abcdef"})
    assert done.returncode == 2
    assert "wechat.sandbox" in done.stderr and "Traceback" not in done.stderr
