"""Reading links (/r/<token>): a member opening a lesson is recorded once as study, counted each
time, sent on to the lesson, and earns study points within the day's cap."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.lesson import StudyRecord
from models.points import PointsEntry
from models.reading import TOKEN_LENGTH, lesson_link, link_key, read_token, reading_url
from models.settings import ConfigError, load_settings
from models.study import record_delivery
from tests.conftest import CONFIG_FILE, START
from tests.factories import make_branch, make_lesson, make_member

KEY = b"a fictional link key for tests"


def test_a_token_carries_member_and_lesson_and_nothing_else_opens():
    url = reading_url("https://kiteline.example.org/", KEY, 12, 345)
    assert url.startswith("https://kiteline.example.org/r/")
    token = url.rsplit("/", 1)[1]
    assert len(token) == TOKEN_LENGTH and token.replace("-", "").replace("_", "").isalnum()
    assert read_token(KEY, token) == (12, 345)
    assert read_token(b"another deployment's key", token) is None
    for i in range(TOKEN_LENGTH):  # any character changed
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        assert read_token(KEY, changed) is None
    other = reading_url("https://kiteline.example.org", KEY, 13, 345).rsplit("/", 1)[1]
    assert other != token and read_token(KEY, other) == (13, 345)
    assert read_token(KEY, token[:-1]) is None and read_token(KEY, token + "A") is None
    assert read_token(KEY, "！" * TOKEN_LENGTH) is None
    assert read_token(KEY, token[:-1] + "=") is None and read_token(KEY, token[:20] + "!" + token[21:]) is None
    # base64's last character has 2 spare bits: the same bytes spelled 3 other ways are refused
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    same_bytes = [alphabet[last & ~3 | k] for k in range(4) if last & ~3 | k != last]
    assert len(same_bytes) == 3 and all(read_token(KEY, token[:-1] + c) is None for c in same_bytes)


def test_the_key_is_the_configured_one_or_derived_the_same_everywhere():
    shipped = load_settings(CONFIG_FILE, env={})
    derived = link_key(shipped)
    assert derived == link_key(load_settings(CONFIG_FILE, env={}))  # another process agrees
    assert shipped.wechat.app_secret.encode() not in derived
    real = {"KITELINE_WECHAT__SANDBOX": "false", "KITELINE_WECHAT__APP_ID": "wx0123456789abcdef",
            "KITELINE_WECHAT__APP_SECRET": "a fictional secret"}
    assert link_key(load_settings(CONFIG_FILE, env=real)) != derived
    assert link_key(load_settings(CONFIG_FILE, env={"KITELINE_WECHAT__TOKEN": "another_token"})) != derived
    own = load_settings(CONFIG_FILE, env={"KITELINE_SERVER__LINK_KEY": "k" * 32})
    assert link_key(own) == b"k" * 32
    assert lesson_link(own, 1, 2).startswith(own.server.public_base_url + "/r/")


@pytest.mark.parametrize(("env", "key"), [
    ({"KITELINE_SERVER__LINK_KEY": "short"}, "server.link_key"),
    ({"KITELINE_POINTS__DAILY_CAP": "{study: -1}"}, "points.daily_cap.study"),
    ({"KITELINE_POINTS__DAILY_CAP": "{reading: 3}"}, "points.daily_cap.reading"),
])
def test_bad_reading_settings_name_their_key(env, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_settings(CONFIG_FILE, env=env)


@pytest.fixture
def district(session):
    branch = make_branch(session)
    member = make_member(session, branch, name="张某", openid="oKite_member_0001")
    lessons = [make_lesson(session, title=f"第{n}课") for n in range(1, 5)]
    session.commit()
    return member, lessons


def path_of(settings, member_id: int, lesson_id: int) -> str:
    return lesson_link(settings, member_id, lesson_id).removeprefix(settings.server.public_base_url)


def record_of(session, member_id: int, lesson_id: int) -> StudyRecord | None:
    session.expire_all()
    return session.scalar(select(StudyRecord).where(StudyRecord.member_id == member_id,
                                                    StudyRecord.lesson_id == lesson_id))


@pytest.mark.postgres
def test_opening_a_pushed_lesson_is_recorded_once_and_counted_each_time(app, settings, session, clock, district):
    member, (lesson, *_) = district
    record_delivery(session, member.id, lesson.id, "schedule", START)
    session.commit()
    client = app.test_client()
    clock.advance(hours=2)
    first = client.get(path_of(settings, member.id, lesson.id))
    assert first.status_code == 302 and first.headers["Location"] == lesson.url
    assert first.headers["Cache-Control"] == "no-store"
    opened_at = clock.now()
    clock.advance(hours=1)
    assert client.get(path_of(settings, member.id, lesson.id)).status_code == 302
    record = record_of(session, member.id, lesson.id)
    assert (record.source, record.delivered_at) == ("schedule", START)  # still delivered by the push
    assert (record.opened_at, record.last_opened_at, record.opens) == (opened_at, clock.now(), 2)
    assert session.scalar(select(StudyRecord.id).where(StudyRecord.id != record.id)) is None


@pytest.mark.postgres
def test_a_lesson_never_recorded_as_delivered_is_recorded_by_its_link(app, settings, session, clock, district):
    member, (_, lesson, *_) = district
    assert app.test_client().get(path_of(settings, member.id, lesson.id)).status_code == 302
    record = record_of(session, member.id, lesson.id)
    assert (record.source, record.delivered_at, record.opened_at, record.opens) == ("link", START, START, 1)


def test_a_head_request_or_a_prefetch_is_not_reading(app, settings, session, district):
    member, (lesson, *_) = district
    client = app.test_client()
    head = client.head(path_of(settings, member.id, lesson.id))
    assert head.status_code == 302 and head.headers["Location"] == lesson.url
    prefetch = client.get(path_of(settings, member.id, lesson.id), headers={"Sec-Purpose": "prefetch"})
    assert prefetch.status_code == 302
    assert record_of(session, member.id, lesson.id) is None


def test_an_altered_link_gets_a_page_in_chinese_and_records_nothing(app, settings, session, district):
    member, (lesson, *_) = district
    path = path_of(settings, member.id, lesson.id)
    altered = path[:-1] + ("A" if path[-1] != "A" else "B")
    for bad in (altered, "/r/abc", "/r/" + "x" * TOKEN_LENGTH):
        page = app.test_client().get(bad)
        text = page.get_data(as_text=True)
        assert page.status_code == 404 and page.mimetype == "text/html"
        assert "这个学习链接打不开" in text and "发送“学习”" in text and "Traceback" not in text
    assert record_of(session, member.id, lesson.id) is None


def test_a_lesson_taken_out_of_the_library_says_so(app, settings, session, district):
    member, lessons = district
    gone = lessons[-1]
    path = path_of(settings, member.id, gone.id)
    session.delete(gone)
    session.commit()
    page = app.test_client().get(path)
    assert page.status_code == 404 and "这篇学习资料已下架" in page.get_data(as_text=True)


@pytest.fixture
def settings_env(db_url):
    # rule 2 points a lesson, at most 3 a day: the second lesson of a day earns only 1
    return {"KITELINE_DATABASE__URL": db_url, "KITELINE_POINTS__RULES": "{study: 2, org_life: 5, activity: 3}",
            "KITELINE_POINTS__DAILY_CAP": "{study: 3}"}


@pytest.mark.postgres
def test_study_points_stop_at_the_daily_cap_and_start_again_the_next_day(app, settings, session, clock, district):
    member, lessons = district
    client = app.test_client()

    def open_(lesson):
        assert client.get(path_of(settings, member.id, lesson.id)).status_code == 302
        return points_of(session, member.id, lesson.id)

    assert [open_(lessons[0]), open_(lessons[1]), open_(lessons[2])] == [2, 1, 0]
    assert open_(lessons[0]) == 2  # opened again: nothing more, nothing taken back
    clock.advance(hours=15)  # 09:00 → 00:00 the next day in Beijing
    assert open_(lessons[3]) == 2
    assert open_(lessons[2]) == 0  # first earned nothing: a later opening earns nothing either


def points_of(session, member_id: int, lesson_id: int) -> int:
    """The study points the lesson earned the member: their ledger entry, 0 without one."""
    session.expire_all()
    return session.scalar(select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(
        PointsEntry.member_id == member_id, PointsEntry.rule == "study", PointsEntry.source_kind == "lesson",
        PointsEntry.source_id == lesson_id))


def test_my_points_are_the_study_points_of_this_month(app, settings, session, chat, clock, district):
    member, lessons = district
    client = app.test_client()
    for lesson in lessons:
        client.get(path_of(settings, member.id, lesson.id))
    reply = chat.say("我的积分")
    assert reply.startswith("您现在共有 3 分，本月（11月）得了 3 分：学习 3 分。")
    assert "\n· 学习：每打开一篇新的学习资料得 2 分，每天最多 3 分\n" in reply
    clock.advance(days=2)  # 1 December: a new month
    assert chat.say("积分").startswith("您现在共有 3 分，本月（12月）还没有得分。")
