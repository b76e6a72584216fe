"""The homophone typos read characters' pinyin from a table kept in the repository
(handlers/nlu/readings.txt), not from pypinyin at start-up: the table must say what pypinyin says."""
from __future__ import annotations

from handlers.nlu import homophones


def test_the_readings_table_is_what_pypinyin_reads():
    assert homophones.READINGS_FILE.read_text(encoding="utf-8") == homophones.reading_table()


def test_a_character_outside_the_table_is_read_by_pypinyin():
    assert "𠀾" not in homophones._readings()  # outside GB 2312
    assert homophones._reading("𠀾") == homophones._pypinyin_reading("𠀾")
    assert homophones._reading("积") == "ji" and homophones._reading("给") == "gei"
