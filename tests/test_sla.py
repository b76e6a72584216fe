"""SLA clocks: when a ticket's first answer and its settling are due, in working time when
``liaison.working_hours`` is set (a crisis's clock always runs), and the ``liaison`` section as
config files write it — the older ``sla_hours`` too — with a bad key named."""
import datetime as dt

import pytest

from models.settings import ConfigError, LiaisonSettings, load_settings
from models.tickets.sla import Sla

BEIJING = dt.timezone(dt.timedelta(hours=8))
# Weekdays 08:30-17:30; 2026-10-01 (a Thursday) off, Saturday 2026-10-10 worked (调休).
OFFICE = LiaisonSettings(working_hours={"days": ["1-5"], "start": "08:30", "end": "17:30",
                                        "holidays": ["2026-10-01"], "workdays": ["2026-10-10"]})
SLA = Sla.of(OFFICE, "Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """``2026-11-27 17:00`` in Beijing time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


@pytest.mark.parametrize("filed, hours, due", [
    ("2026-11-27 17:00", 24, "2026-12-02 14:00"),  # Friday: ½ h, Monday 9, Tuesday 9, Wednesday 5½
    ("2026-11-28 10:00", 1, "2026-11-30 09:30"),   # Saturday: from Monday's opening
    ("2026-11-30 07:00", 1, "2026-11-30 09:30"),   # before opening
    ("2026-11-30 17:30", 1, "2026-12-01 09:30"),   # at closing
    ("2026-11-30 12:00", 2, "2026-11-30 14:00"),   # within the day
    ("2026-11-30 17:00", 9, "2026-12-01 17:00"),   # a whole working day later
    ("2026-09-30 17:00", 1, "2026-10-02 09:00"),   # over a holiday
    ("2026-10-09 17:00", 1, "2026-10-10 09:00"),   # onto a Saturday worked
])
def test_a_response_due_counts_working_time_only(filed, hours, due):
    sla = Sla.of(OFFICE.model_copy(update={"first_response_hours": hours}), "Asia/Shanghai")
    assert sla.response_due(at(filed), "normal") == at(due)


def test_a_crisis_counts_every_hour_and_urgent_working_hours():
    friday_night = at("2026-11-27 23:00")
    assert SLA.response_due(friday_night, "crisis") == at("2026-11-28 00:00")
    assert SLA.response_due(friday_night, "urgent") == at("2026-11-30 09:30")
    assert SLA.resolution_due(friday_night, "crisis") == at("2026-12-04 23:00")


def test_resolution_days_are_whole_working_days():
    assert SLA.resolution_due(at("2026-11-30 12:00"), "normal") == at("2026-12-09 12:00")  # 7 working days
    plain = Sla.of(LiaisonSettings(), "Asia/Shanghai")
    assert plain.resolution_due(at("2026-11-28 12:00"), "normal") == at("2026-12-05 12:00")
    assert plain.response_due(at("2026-11-28 12:00"), "normal") == at("2026-11-29 12:00")


def write(tmp_path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_older_config_file_with_sla_hours_still_starts(tmp_path):
    liaison = load_settings(write(tmp_path, "liaison:\n  sla_hours: 12\n  escalation_chain: [liaison, secretary]\n"),
                            env={}).liaison
    assert (liaison.first_response_hours, liaison.escalation_chain) == (12, ["liaison", "secretary"])
    assert load_settings(env={"KITELINE_CONFIG": str(write(tmp_path, "")),
                              "KITELINE_LIAISON__SLA_HOURS": "36"}).liaison.first_response_hours == 36


def test_the_shipped_config_reads_as_the_defaults():
    shipped = load_settings("config.yaml", env={}).liaison
    assert shipped == LiaisonSettings()


@pytest.mark.parametrize("yaml_text, key", [
    ("liaison:\n  sla_hours: 0\n", "liaison.sla_hours"),
    ("liaison:\n  sla_hours: 12\n  first_response_hours: 24\n", "liaison.first_response_hours"),
    ("liaison:\n  resolution_days: 0\n", "liaison.resolution_days"),
    ("liaison:\n  crisis_hours: 48\n", "liaison.crisis_hours"),
    ("liaison:\n  escalation_chain: [township, secretary]\n", "liaison.escalation_chain"),
    ("liaison:\n  escalation_chain: [liaison, liaison]\n", "liaison.escalation_chain"),
    ("liaison:\n  escalation_chain: [mayor]\n", "liaison.escalation_chain.0"),
    ("liaison:\n  escalation_cron: every ten minutes\n", "liaison.escalation_cron"),
    ("liaison:\n  working_hours: {days: [0-4]}\n", "liaison.working_hours.days"),
    ("liaison:\n  working_hours: {start: '25:00'}\n", "liaison.working_hours.start"),
    ("liaison:\n  working_hours: {start: '17:30', end: '08:30'}\n", "liaison.working_hours.end"),
    ("liaison:\n  working_hours: {holidays: [国庆]}\n", "liaison.working_hours.holidays.0"),
    ("liaison:\n  working_hours: {lunch: '12:00'}\n", "liaison.working_hours.lunch"),
    ("liaison:\n  sla_days: 1\n", "liaison.sla_days"),
])
def test_a_bad_liaison_value_names_its_key(tmp_path, yaml_text, key):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, yaml_text), env={})
    assert str(err.value).startswith(key + ":"), str(err.value)


def test_unquoted_times_and_day_ranges_read_as_meant(tmp_path):
    hours = load_settings(write(tmp_path, "liaison:\n  working_hours: {days: [1-3, 5], start: 8:30, end: 17:00}\n"),
                          env={}).liaison.working_hours
    assert (hours.days, hours.start, hours.end) == ([1, 2, 3, 5], "08:30", "17:00")
