"""The member's whereabouts and status as domain operations (away / returned / away again),
each change kept in the history with its source — on SQLite and PostgreSQL."""
import datetime as dt

import pytest
from sqlalchemy import select

from models.member import MemberChange
from models.whereabouts import (
    came_home,
    left_again,
    move_to,
    move_to_unlisted,
    shared_location,
)
from tests.conftest import START
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres
LATER = START + dt.timedelta(days=40)
ME = "oKite_member_0001"  # the member's own WeChat: who made a change by chat


@pytest.fixture
def member(session):
    return make_member(session, make_branch(session), status="away", current_province="江苏",
                       current_city="苏州", current_district="姑苏区", away_since=dt.date(2025, 3, 1))


def history(session, member):
    return [(c.field, c.old_value, c.new_value, c.source, c.changed_by) for c in
            session.scalars(select(MemberChange).where(MemberChange.member_id == member.id).order_by(MemberChange.id))]


def test_a_new_city_moves_the_destination_and_drops_the_old_district(session, member):
    moved = move_to(session, member, "杭州市", None, now=LATER, source="console", changed_by="secretary_wang")
    assert moved.fields == {"current_city", "current_district", "current_province"}
    assert (member.status, member.current_province, member.current_city, member.current_district) == (
        "away", "浙江", "杭州", None)
    assert history(session, member) == [("current_city", "苏州", "杭州", "console", "secretary_wang"),
                                        ("current_district", "姑苏区", None, "console", "secretary_wang"),
                                        ("current_province", "江苏", "浙江", "console", "secretary_wang")]


def test_the_same_city_changes_nothing_and_no_place_is_none(session, member):
    assert move_to(session, member, "苏州", "江苏省", now=LATER, source="chat", changed_by=ME).changes == []
    assert move_to(session, member, None, None, now=LATER, source="chat", changed_by=ME) is None
    assert history(session, member) == []


def test_coming_home_clears_the_destination_and_going_out_again_is_away_from_today(session, member):
    home = came_home(session, member, now=LATER, source="chat", changed_by=ME)
    assert home.fields == {"status", "current_province", "current_city", "current_district"}
    assert (member.status, member.current_city) == ("returned", None)
    assert came_home(session, member, now=LATER, source="chat", changed_by=ME).changes == []
    out = left_again(session, member, now=LATER, source="chat", changed_by=ME)
    assert out.fields == {"status", "away_since"}
    assert (member.status, member.away_since, member.current_city) == ("away", dt.date(2027, 1, 8), None)


def test_only_a_member_who_came_home_can_leave_again(session, member):
    assert left_again(session, member, now=LATER, source="chat", changed_by=ME) is None
    assert history(session, member) == []


def test_a_returned_member_named_somewhere_new_is_away_again(session, member):
    came_home(session, member, now=START, source="import", changed_by="台账.xlsx")
    moved = move_to(session, member, "宁波", None, now=LATER, source="chat", changed_by=ME)
    assert {"status", "away_since", "current_city"} <= moved.fields
    assert (member.status, member.current_province, member.current_city, member.away_since) == (
        "away", "浙江", "宁波", dt.date(2027, 1, 8))


def test_a_shared_location_moves_the_destination_not_the_status(session, member):
    came_home(session, member, now=START, source="chat", changed_by=ME)
    shared_location(session, member, "广东", "深圳", "福田区", now=LATER, source="chat", changed_by=ME)
    assert (member.status, member.current_city, member.current_district) == ("returned", "深圳", "福田区")


def test_a_place_the_list_does_not_know_is_kept_as_written_and_flagged(session, member):
    """Never guessed: 白杨镇 is no city of the list, so it is the city as written, no province is
    made up, and staff are told to check it; a known place later clears the flag."""
    moved = move_to_unlisted(session, member, "白杨 镇", now=LATER, source="verification", changed_by=ME)
    assert (member.current_province, member.current_city, member.current_district, member.place_unlisted) == (
        None, "白杨镇", None, True)
    assert moved.fields == {"current_city", "current_province", "current_district"}
    assert ("current_city", "苏州", "白杨镇", "verification", ME) in history(session, member)
    move_to(session, member, "宁波", None, now=LATER, source="chat", changed_by=ME)
    assert (member.current_province, member.current_city, member.place_unlisted) == ("浙江", "宁波", False)


@pytest.mark.parametrize("known", ["宁波", "宁波市", "浙江", ""])
def test_a_known_place_is_no_unlisted_one(session, member, known):
    with pytest.raises(ValueError):
        move_to_unlisted(session, member, known, now=LATER, source="chat", changed_by=ME)
    assert member.place_unlisted is False and history(session, member) == []
