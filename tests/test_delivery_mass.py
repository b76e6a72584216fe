"""The weekly digest (purpose ``lesson_digest``, declared ``mass_send``) reaches members whose
customer-service window is closed by mass send (群发), within WeChat's rules, as members and
the platform would notice: what each openid received and on which channel, the sandbox's
refusals (none), the batch with its finish report, the rows' statuses."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.dispatcher import dispatch_due
from bot.sandbox import state
from bot.wechat_api import wechat_client
from models.delivery.mass import MassSend, plan_batches
from models.delivery.outbox import OutboxMessage
from models.delivery.payloads import Text
from models.delivery.queue import enqueue
from models.follower import Follower
from tests.conftest import START, impatient_client
from tests.factories import make_branch, make_member

pytestmark = pytest.mark.postgres

DIGEST = "【每周学习汇总】本周新课3篇：纪律处分条例修订要点、流动党员组织生活怎么过、返乡创业政策。回复“学习”即可阅读。"
MEMBERS = [f"oKite_member_{n:04d}" for n in range(1, 4)]
# How long the client of the test that makes the platform slow waits; the others keep the
# configured timeout, which no ordinary call on a loaded machine runs out of.
TIMEOUT = 0.5


@pytest.fixture
def members(runtime, session):
    """Three bound members who follow the account, none of them written lately (windows closed)."""
    branch = make_branch(session)
    for openid in MEMBERS:
        make_member(session, branch, openid=openid)
        session.add(Follower(openid=openid, first_seen_at=START, last_interaction_at=START))
    session.commit()
    state.add_followers(runtime.engine, MEMBERS)
    return MEMBERS


def digest(runtime, text: str = DIGEST, openids=MEMBERS) -> None:
    with runtime.session() as s:
        for openid in openids:
            enqueue(s, openid=openid, payload=Text(text), purpose="lesson_digest",
                    idempotency_key=f"lesson_digest:{openid}:{text}", now=runtime.clock.now())
        s.commit()


def received(app, openid: str) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in app.test_client().get(f"/sandbox/messages/{openid}").get_json()]


def refusals(app) -> dict:
    stats = app.test_client().get("/sandbox/stats").get_json()
    return {api: counts["refused"] for api, counts in stats.items() if counts["refused"]}


def rows(runtime) -> list[OutboxMessage]:
    with runtime.session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def batches(runtime) -> list[MassSend]:
    with runtime.session() as s:
        return list(s.scalars(select(MassSend).order_by(MassSend.id)))


def test_a_digest_reaches_members_with_closed_windows_by_one_mass_send(app, runtime, send, members):
    digest(runtime)

    assert send() == 3

    for openid in members:
        assert received(app, openid) == [("mass", DIGEST)]
    [batch] = batches(runtime)
    assert (batch.status, batch.recipients, batch.attempts) == ("sent", 3, 1)
    assert batch.clientmsgid.startswith(f"kiteline-mass-{batch.id}-") and batch.msg_id
    assert [(r.status, r.sent_via, r.mass_send_id) for r in rows(runtime)] == [("sent", "mass", batch.id)] * 3
    assert refusals(app) == {}
    assert send() == 0  # nothing left, nothing sent twice


def test_the_finish_report_is_recorded_on_the_batch(app, runtime, send, members):
    digest(runtime)
    assert send() == 3

    assert app.test_client().post("/sandbox/mass/finish").get_json() == {"pushed": 1}

    [batch] = batches(runtime)
    assert (batch.finish_status, batch.total_count, batch.filter_count, batch.sent_count,
            batch.error_count) == ("send success", 3, 3, 3, 0)
    with runtime.session() as s:
        assert s.get(Follower, "mphelper") is None  # the report opened no window, made no follower


def test_a_member_who_wrote_lately_gets_it_as_a_customer_service_message(app, runtime, send, members, make_chat):
    make_chat(MEMBERS[0]).say("你好")
    digest(runtime)

    assert send() == 3

    assert received(app, MEMBERS[0])[-1] == ("custom", DIGEST)
    assert received(app, MEMBERS[1]) == received(app, MEMBERS[2]) == [("mass", DIGEST)]
    assert [r.sent_via for r in rows(runtime)] == ["custom", "mass", "mass"]
    assert batches(runtime)[0].recipients == 2
    assert refusals(app) == {}


def test_a_text_for_one_member_alone_waits_for_their_next_message(app, runtime, send, members, make_chat):
    digest(runtime, openids=MEMBERS[:1])

    assert send() == 0

    assert received(app, MEMBERS[0]) == [] and batches(runtime) == []
    assert rows(runtime)[0].status == "deferred"
    make_chat(MEMBERS[0]).say("你好")
    assert send() == 1
    assert received(app, MEMBERS[0])[-1] == ("custom", DIGEST)
    assert refusals(app) == {}


def test_a_fifth_digest_in_a_month_waits_and_goes_in_the_next_month(app, runtime, send, members, clock):
    for week in range(1, 5):
        digest(runtime, f"{DIGEST}（第{week}周）")
        assert send() == 3
        clock.advance(hours=1)
    digest(runtime, f"{DIGEST}（第5周）")

    assert send() == 0

    assert [r.status for r in rows(runtime)][-3:] == ["deferred"] * 3
    assert all(len(received(app, openid)) == 4 for openid in members)
    # 2026-12-01 00:00 in Beijing: a new calendar month, a new quota.
    clock.current = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.timezone.utc)
    assert send() == 3
    assert all(received(app, openid)[-1] == ("mass", f"{DIGEST}（第5周）") for openid in members)
    assert refusals(app) == {}


def test_a_dispatcher_killed_mid_send_sends_again_with_the_same_clientmsgid_and_no_duplicate(
        app, runtime, members):
    digest(runtime)

    class KilledAfterTheCall:
        """The platform takes the send; the process dies before it hears back."""

        def __init__(self) -> None:
            self.client = wechat_client(runtime, app)

        def __getattr__(self, name):
            return getattr(self.client, name)

        def send_mass(self, openids, content, clientmsgid):
            self.client.send_mass(openids, content, clientmsgid)
            raise SystemExit("kill -9")

    with pytest.raises(SystemExit):
        dispatch_due(runtime, KilledAfterTheCall())
    [batch] = batches(runtime)
    assert batch.status == "sending" and {r.status for r in rows(runtime)} == {"pending"}

    assert dispatch_due(runtime, wechat_client(runtime, app)) == 3

    [after] = batches(runtime)
    assert (after.status, after.clientmsgid, after.attempts) == ("sent", batch.clientmsgid, 2)
    for openid in members:
        assert received(app, openid) == [("mass", DIGEST)]
    assert app.test_client().get("/sandbox/stats").get_json()["message/mass/send"] == {
        "accepted": 1, "refused": {"45065": 1}}


def test_a_send_that_timed_out_is_retried_later_with_its_clientmsgid_never_twice(app, runtime, send, members, clock):
    digest(runtime)
    answer = app.test_client().post("/sandbox/faults", json={
        "path": "message/mass/send", "after_accept": True, "latency_ms": int(TIMEOUT * 3000)})
    assert answer.status_code == 200

    assert dispatch_due(runtime, impatient_client(runtime, app, TIMEOUT)) == 0

    [batch] = batches(runtime)
    assert batch.status == "pending" and batch.next_attempt_at > clock.now()
    clock.advance(seconds=runtime.settings.delivery.retry_backoff_seconds)
    assert send() == 3
    for openid in members:
        assert received(app, openid) == [("mass", DIGEST)]


def test_more_than_10000_members_go_in_even_batches():
    rows = [(n, f"o{n:06d}", {"content": DIGEST}) for n in range(10_002)]
    planned = plan_batches(rows, used={"o000000": 4})
    assert [len(ids) for _, ids in planned] == [5001, 5000]
    assert 0 not in planned[0][1]  # a member with 4 this month is left out


def test_a_clock_move_sends_the_digest_and_the_report_is_in_when_it_answers(app, runtime, members):
    digest(runtime)

    answer = app.test_client().post("/sandbox/clock", json={"advance_seconds": 60})

    assert answer.status_code == 200, answer.get_json()
    assert all(received(app, openid) == [("mass", DIGEST)] for openid in members)
    [batch] = batches(runtime)
    assert (batch.status, batch.sent_count, batch.filter_count) == ("sent", 3, 3)
