"""Times as members read them, in Beijing time: by when a ticket is due, and when a step was."""
import datetime as dt

import pytest

from models.clock import beijing_deadline, beijing_when

NOW = dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 on Sunday in Beijing


@pytest.mark.parametrize(("ahead", "words"), [
    (dt.timedelta(minutes=20), "20分钟内"),
    (dt.timedelta(minutes=59, seconds=1), "60分钟内"),
    (dt.timedelta(hours=1), "1小时内"),  # an urgent ticket, a crisis
    (dt.timedelta(hours=2, minutes=10), "3小时内"),
    (dt.timedelta(hours=3), "3小时内"),
    (dt.timedelta(hours=4), "今天下午1点前"),
    (dt.timedelta(hours=4, minutes=2), "今天下午2点前"),  # rounded up: never a promise broken by it
    (dt.timedelta(hours=9, minutes=30), "今天晚上7点前"),
    (dt.timedelta(hours=15), "今天晚上12点前"),  # midnight is the evening's end
    (dt.timedelta(hours=16), "明天凌晨1点前"),
    (dt.timedelta(hours=24), "明天上午9点前"),  # liaison.sla_hours as shipped
    (dt.timedelta(hours=25, minutes=2), "明天上午11点前"),
    (dt.timedelta(hours=48), "后天上午9点前"),
    (dt.timedelta(days=7), "12月6日上午9点前"),
    (dt.timedelta(0), "尽快"),
    (-dt.timedelta(hours=2), "尽快"),
])
def test_by_when_a_ticket_is_due(ahead, words):
    assert beijing_deadline(NOW + ahead, NOW) == words


@pytest.mark.parametrize(("before", "words"), [
    (dt.timedelta(0), "今天 09:00"),
    (dt.timedelta(hours=9), "今天 00:00"),
    (dt.timedelta(hours=9, minutes=1), "昨天 23:59"),
    (dt.timedelta(days=3), "11月26日 09:00"),
])
def test_when_a_step_was(before, words):
    assert beijing_when(NOW - before, NOW) == words
