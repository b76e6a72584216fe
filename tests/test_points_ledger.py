"""The points ledger: an award is cut to what the day's and the month's caps leave (Beijing
days and months), one source earns once, a balance is a sum — on SQLite and PostgreSQL. The
rules come from config, checked with messages that name the key; study points recorded before
the ledger become its entries."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select, text

from models.clock import SHANGHAI
from models.db import make_engine
from models.migrations import schema
from models.points import PointsEntry, award, standing
from models.settings import ConfigError, PointsSettings, load_settings
from tests.conftest import CONFIG_FILE, START
from tests.factories import make_branch, make_member
from tests.test_ticket_migration import empty_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres

RULES = PointsSettings(rules={"study": 2, "activity": 3, "org_life": 5}, daily_cap={"study": 3},
                       monthly_cap={"study": 7, "activity": 5})


def bj(month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI).astimezone(dt.UTC)


@pytest.fixture
def member(session):
    member = make_member(session, make_branch(session), name="张某", openid="oKite_member_0001")
    session.commit()
    return member


def entries(session, member_id):
    return [(e.rule, e.source_kind, e.source_id, e.delta, e.created_at, e.approved_by)
            for e in session.scalars(select(PointsEntry).where(PointsEntry.member_id == member_id)
                                     .order_by(PointsEntry.id))]


def study(session, member, lesson_id, at):
    return award(session, member.id, "study", "lesson", lesson_id, at, points=RULES)


def test_the_day_cap_cuts_an_award_and_a_new_beijing_day_starts_afresh(session, member):
    # 30 November, late evening in Beijing: 2, then 1 (the cap is 3 a day), then nothing
    assert [study(session, member, n, bj(11, 30, 23, 30 + n)) for n in (1, 2, 3)] == [2, 1, 0]
    assert study(session, member, 4, bj(11, 30, 23, 59, 59)) == 0
    # 00:00 on 1 December in Beijing is still 30 November in UTC: a new day all the same
    assert bj(12, 1, 0, 0).date() == dt.date(2026, 11, 30)
    assert study(session, member, 5, bj(12, 1, 0, 0)) == 2
    session.commit()
    assert [(source, points, at) for _, _, source, points, at, _ in entries(session, member.id)] == [
        (1, 2, bj(11, 30, 23, 31)), (2, 1, bj(11, 30, 23, 32)), (5, 2, bj(12, 1, 0, 0))]


def test_the_month_cap_holds_across_days_and_a_new_beijing_month_starts_afresh(session, member):
    earned = []
    for day in (1, 2, 3):  # two lessons a day: 2 + 1 under the day cap, until the month's 7
        earned += [study(session, member, day * 10 + n, bj(12, day, 20, n)) for n in (1, 2)]
    assert earned == [2, 1, 2, 1, 1, 0]
    assert study(session, member, 99, bj(12, 31, 23, 59, 59)) == 0
    assert study(session, member, 99, bj(1, 1, 0, 0, year=2027)) == 2  # the same lesson: it earned nothing before
    # activity: 3 each, at most 5 a month
    claims = [award(session, member.id, "activity", "activity_claim", n, bj(12, 5), approved_by=member.id,
                    points=RULES) for n in (1, 2, 3)]
    assert claims == [3, 2, 0]


def test_one_source_earns_once_and_a_rule_without_points_earns_nothing(session, member):
    assert study(session, member, 1, bj(12, 1)) == 2
    assert study(session, member, 1, bj(12, 2)) == 0  # opened again another day
    assert award(session, member.id, "org_life", "meeting", 7, bj(12, 2), points=RULES) == 5
    assert award(session, member.id, "org_life", "meeting", 7, bj(12, 2), points=RULES) == 0  # a retried call
    assert award(session, member.id, "thought_report", "thought_report", 1, bj(12, 2), points=RULES) == 0
    with pytest.raises(ValueError, match="no points rule 'meeting'"):
        award(session, member.id, "meeting", "meeting", 7, bj(12, 2), points=RULES)
    session.commit()
    assert [(rule, source, points) for rule, _, source, points, _, _ in entries(session, member.id)] == [
        ("study", 1, 2), ("org_life", 7, 5)]


def test_a_standing_is_a_sum_with_this_months_rules_and_the_newest_entries(session, member):
    study(session, member, 1, bj(11, 20))
    award(session, member.id, "activity", "activity_claim", 1, bj(12, 2), approved_by=member.id, points=RULES)
    study(session, member, 2, bj(12, 3))
    session.add(PointsEntry(member_id=member.id, delta=-1, rule="correction", source_kind="entry", source_id=1,
                            created_at=bj(12, 4)))
    session.commit()
    mine = standing(session, member.id, bj(12, 6), recent=2)
    assert (mine.balance, mine.month, mine.month_total) == (6, {"activity": 3, "study": 2, "correction": -1}, 4)
    assert [(e.rule, e.delta) for e in mine.recent] == [("correction", -1), ("study", 2)]
    assert standing(session, member.id, bj(1, 6, year=2027)).month == {}


@pytest.mark.parametrize(("env", "message"), [
    ({"KITELINE_POINTS__RULES": "{study: 1, meeting: 5}"}, "points.rules.meeting: there is no rule 'meeting'; "
                                                           "the rules are study, org_life, activity, thought_report"),
    ({"KITELINE_POINTS__MONTHLY_CAP": "{volunteer: 10}"}, "points.monthly_cap.volunteer: there is no rule"),
    ({"KITELINE_POINTS__MONTHLY_CAP": "{activity: -3}"}, "points.monthly_cap.activity: Input should be greater"),
    ({"KITELINE_POINTS__RULES": "{activity: lots}"}, "points.rules.activity: Input should be a valid integer"),
])
def test_bad_points_settings_name_their_key(env, message):
    with pytest.raises(ConfigError) as err:
        load_settings(CONFIG_FILE, env=env)
    assert str(err.value).startswith(message)


def test_the_shipped_rules_and_the_old_keys_load():
    shipped = load_settings(CONFIG_FILE, env={}).points
    assert (shipped.rules, shipped.daily_cap, shipped.monthly_cap) == (
        {"study": 1, "org_life": 5, "activity": 3, "thought_report": 5}, {"study": 5},
        {"activity": 15, "thought_report": 5})
    # a config written before monthly caps: its keys mean what they meant
    old = load_settings(CONFIG_FILE, env={"KITELINE_POINTS__RULES": "{study: 2, org_life: 5, activity: 3}",
                                          "KITELINE_POINTS__DAILY_CAP": "{study: 3}",
                                          "KITELINE_POINTS__MONTHLY_CAP": "{}"}).points
    assert (old.each("study"), old.daily_cap, old.each("thought_report")) == (2, {"study": 3}, 0)


def test_study_points_kept_on_study_records_become_ledger_entries(empty_url):  # noqa: F811
    engine = make_engine(empty_url)
    schema.upgrade(engine, "t1ck3td3sk01")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organizations (id, name, kind) VALUES (1, '白杨村党支部', 'branch')"))
        conn.execute(text("INSERT INTO members (id, name, branch_id, status, created_at) VALUES (1, '张某', 1, 'away', :t)"),
                     {"t": START})
        for n in (1, 2, 3):
            conn.execute(text("INSERT INTO lessons (id, title, category, summary, url, sequence, created_at) "
                              "VALUES (:n, :title, 'policy', '', 'https://kiteline.example.invalid', :n, :t)"),
                         {"n": n, "title": f"第{n}课", "t": START})
        rows = [(1, START, 1), (2, START + dt.timedelta(hours=1), 0), (3, None, 0)]  # earned, capped, unopened
        for lesson, opened, points in rows:
            conn.execute(text("INSERT INTO study_records (member_id, lesson_id, source, delivered_at, opened_at, "
                              "opens, points) VALUES (1, :l, 'schedule', :t, :o, :n, :p)"),
                         {"l": lesson, "t": START, "o": opened, "n": int(opened is not None), "p": points})
    schema.upgrade(engine)
    with engine.connect() as conn:
        moved = conn.execute(text("SELECT member_id, delta, rule, source_kind, source_id, approved_by "
                                  "FROM points_entries")).all()
        at = conn.execute(text("SELECT created_at FROM points_entries")).scalar()
    columns = {c["name"] for c in inspect(engine).get_columns("study_records")}
    engine.dispose()
    assert [tuple(r) for r in moved] == [(1, 1, "study", "lesson", 1, None)]
    assert at is not None and "points" not in columns
