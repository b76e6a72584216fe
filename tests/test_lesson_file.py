"""Reading one cell of a lesson list as branches write it (``models.lesson_file``): categories
by their everyday names, durations and dates in the forms people type, a YAML file of another
shape refused with a reason."""
import datetime as dt

import pytest

from models.ledger import CellError
from models.ledger_files import TableError
from models.lesson_file import (
    parse_category,
    parse_duration,
    parse_media_type,
    parse_published,
    parse_tags,
    read_lesson_file,
)


@pytest.mark.parametrize("cell, key", [
    ("政策文件", "policy"), ("政策", "policy"), ("家乡新闻", "news"), ("发展动态", "news"), ("news", "news"),
    ("优秀党员故事", "exemplary"), ("榜样", "exemplary"), ("法律", "law"), ("法律微课", "law"),
    ("普法", "law"), ("心理", "psychology"), ("心理健康", "psychology"), ("技能", "skills"),
    ("职业技能", "skills"), (" Ｌａｗ ", "law"),
])
def test_categories_by_the_names_branches_use(cell, key):
    assert parse_category(cell) == key


@pytest.mark.parametrize("cell, seconds", [
    ("5分30秒", 330), ("05:30", 330), ("０５：３０", 330), ("330", 330), (330, 330), ("5分钟", 300),
    ("1小时2分", 3720), ("1:02:03", 3723), (dt.time(5, 30), 330), (dt.time(0, 5, 30), 330),
    (dt.timedelta(minutes=4), 240), (None, None), ("", None),
])
def test_durations_as_people_type_them(cell, seconds):
    assert parse_duration(cell) == seconds


def test_unreadable_cells_say_how_to_write_them():
    with pytest.raises(CellError, match="时长“半小时”看不懂，请写成 5分30秒、05:30 或秒数 330"):
        parse_duration("半小时")
    with pytest.raises(CellError, match="类型“音频”应填图文或微视频"):
        parse_media_type("音频", None)
    with pytest.raises(CellError, match="标签“.*”太长"):
        parse_tags("这是一个远远超过二十个字的标签真的很长很长很长很长")


def test_media_type_defaults_to_video_when_a_duration_is_given():
    assert parse_media_type(None, 330) == "video" and parse_media_type("", None) == "article"
    assert parse_media_type("图文", None) == "article" and parse_media_type("微课", None) == "video"


@pytest.mark.parametrize("cell, day", [
    ("2026-11-03", dt.date(2026, 11, 3)), ("2026.11", dt.date(2026, 11, 1)), ("2026年11月3日", dt.date(2026, 11, 3)),
    (46329, dt.date(2026, 11, 3)), (dt.datetime(2026, 11, 3, 8), dt.date(2026, 11, 3)), (None, None),
])
def test_publish_dates(cell, day):
    assert parse_published(cell) == day


def test_tags_split_on_any_separator():
    assert parse_tags("欠薪、维权，合同;合同  工伤") == ["欠薪", "维权", "合同", "工伤"]
    assert parse_tags(["欠薪", " 维权 "]) == ["欠薪", "维权"]


def test_a_yaml_file_of_another_shape_is_refused(tmp_path):
    path = tmp_path / "l.yaml"
    path.write_text("title: 只有一篇\n", encoding="utf-8")
    with pytest.raises(TableError, match="YAML 文件应是一串学习资料"):
        read_lesson_file(path)
    path.write_text("- title: [不闭合\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"YAML 格式有误第\d+行附近，请检查缩进和冒号"):
        read_lesson_file(path)
    with pytest.raises(TableError, match="只支持 .xlsx、.csv 或 .yaml"):
        read_lesson_file(tmp_path / "l.xls")
