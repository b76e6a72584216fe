"""``kiteline import lessons`` / ``kiteline export lessons`` as district staff run them: a lesson
list kept in Excel, CSV or YAML fills the library — every bad row named with what to fix, nothing
stored while one is bad, a second import updating what changed and adding nothing twice, and an
exported library importing again as "no changes"."""
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from bot.cli import main
from bot.import_cli import DRY_RUN_NOTE
from models.lesson import Lesson
from models.org import Organization
from tests.conftest import CONFIG_FILE

pytestmark = pytest.mark.postgres

DATA = Path(__file__).parent / "data" / "lessons"
HEADER = ["编号", "标题", "类别", "简介", "链接", "类型", "时长", "标签", "发布日期", "面向组织"]
URL = "https://kiteline.example.invalid/lessons/"


def kiteline(db_url, *args):
    return CliRunner().invoke(main, ["--config", str(CONFIG_FILE), *args], env={"KITELINE_DATABASE__URL": db_url})


def with_session(db_url, work):
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            return work(session)
    finally:
        engine.dispose()


def library(db_url) -> list[tuple]:
    """The stored library in sequence order: (code, title, category, summary, url, media type,
    seconds, tags, published, target names)."""
    def read(session):
        lessons = session.scalars(select(Lesson).options(selectinload(Lesson.targets))
                                  .order_by(Lesson.sequence)).all()
        names = dict(session.execute(select(Organization.id, Organization.name)).all())
        return [(le.code, le.title, le.category, le.summary, le.url, le.media_type, le.duration_seconds,
                 le.tags, le.published_on, sorted(names[t.org_id] for t in le.targets), le.sequence)
                for le in lessons]
    return with_session(db_url, read)


def add_orgs(db_url) -> None:
    """示例区 → 红柳镇 (白杨村党支部, 沙河村党支部), 青石街道 (新建社区党支部)."""
    def add(session):
        district = Organization(name="示例区", kind="district")
        hongliu = Organization(name="红柳镇", kind="township", parent=district)
        qingshi = Organization(name="青石街道", kind="township", parent=district)
        for township, village in ((hongliu, "白杨村"), (hongliu, "沙河村"), (qingshi, "新建社区")):
            node = Organization(name=village, kind="village", parent=township)
            session.add(Organization(name=f"{village}党支部", kind="branch", parent=node))
        session.commit()
    with_session(db_url, add)


def write_xlsx(path, rows, title: str | None = "示例区学习资料清单") -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def test_a_yaml_list_fills_the_library(db_url):
    add_orgs(db_url)
    result = kiteline(db_url, "import", "lessons", str(DATA / "lessons.yaml"))
    assert result.exit_code == 0, result.output
    assert result.output == "学习资料导入完成：新增 3 篇，更新 0 篇，无变化 0 篇。\n"
    assert library(db_url) == [
        ("ZC-2026-01", "学习新修订的《中国共产党纪律处分条例》", "policy", "原文要点加解读，十分钟读完。",
         URL + "zc-2026-01", "article", None, ["纪律", "条例"], dt.date(2026, 11, 3), [], 1),
        ("FL-2026-01", "被拖欠工资怎么办？三步依法维权", "law", "真实案例加律师讲解。", URL + "fl-2026-01",
         "video", 330, ["欠薪", "维权"], None, [], 2),
        ("XX-2026-01", "红柳镇新建农产品冷链仓库投入使用", "news", "", URL + "xx-2026-01", "article", None, [],
         dt.date(2026, 11, 1), ["红柳镇"], 3),
    ]


def test_an_xlsx_as_a_branch_writes_it(db_url, tmp_path):
    """A title row above the header, Chinese category variants, durations in several forms, an
    Excel date and a typed serial, tags with mixed separators, two target orgs, a total row."""
    add_orgs(db_url)
    path = write_xlsx(tmp_path / "学习资料.xlsx", [
        ["序号", *HEADER],
        [1, "FL-01", "劳动合同里要看清的五个条款", "法律普及", "律师逐条讲", URL + "1", "微视频", "05:30",
         "劳动合同，维权;  合同", dt.datetime(2026, 11, 3), "白杨村党支部、青石街道"],
        [2, "XL-01", "独自在外，如何排解孤独和压力", "心理", None, URL + "2", "视频", "5分钟", "心理", 46329, None],
        [3, "JN-01", "电工安全操作基础", "技能", "跟着视频一步步学", URL + "3", None, 330, None, "2026年11月3日", None],
        [4, None, "工地上的党员突击队", "exemplary", None, URL + "4", "图文", None, None, "2026.11", None],
        ["合计：4篇"],
    ])
    result = kiteline(db_url, "import", "lessons", path)
    assert result.exit_code == 0, result.output
    assert result.output == "学习资料导入完成：新增 4 篇，更新 0 篇，无变化 0 篇。\n"
    assert library(db_url) == [
        ("FL-01", "劳动合同里要看清的五个条款", "law", "律师逐条讲", URL + "1", "video", 330,
         ["劳动合同", "维权", "合同"], dt.date(2026, 11, 3), ["白杨村党支部", "青石街道"], 1),
        ("XL-01", "独自在外，如何排解孤独和压力", "psychology", "", URL + "2", "video", 300, ["心理"],
         dt.date(2026, 11, 3), [], 2),
        ("JN-01", "电工安全操作基础", "skills", "跟着视频一步步学", URL + "3", "video", 330, [],
         dt.date(2026, 11, 3), [], 3),
        (None, "工地上的党员突击队", "exemplary", "", URL + "4", "article", None, [], dt.date(2026, 11, 1), [], 4),
    ]


def test_a_gb18030_csv_from_excel_on_windows(db_url, tmp_path):
    path = tmp_path / "学习资料.csv"
    path.write_bytes(("编号,标题,类别,简介,链接,类型,时长,标签,发布日期\n"
                      f"XX-01,白杨村光伏项目并网发电,家乡新闻,看看家乡的新变化,{URL}9,图文,,家乡、光伏,2026/11/20\n"
                      ).encode("gb18030"))
    result = kiteline(db_url, "import", "lessons", str(path))
    assert result.exit_code == 0, result.output
    assert library(db_url) == [("XX-01", "白杨村光伏项目并网发电", "news", "看看家乡的新变化", URL + "9", "article",
                                None, ["家乡", "光伏"], dt.date(2026, 11, 20), [], 1)]


def test_every_bad_row_is_named_with_what_to_fix_and_nothing_is_stored(db_url, tmp_path):
    add_orgs(db_url)
    path = write_xlsx(tmp_path / "学习资料.xlsx", [
        HEADER,
        ["A1", None, "政策文件", None, URL + "1"],
        ["A2", "党史小故事", "党史", None, URL + "2"],
        ["A3", "租房合同纠纷", "法律", None, "www.example.invalid/3"],
        ["A4", "家乡新貌", "家乡新闻", None, URL + "4", None, None, None, None, "红柳镇、东风乡"],
        ["A5", "榜样的力量", "优秀党员故事", None, URL + "5"],
        ["A5", "榜样的力量（下）", "优秀党员故事", None, URL + "6"],
        ["A7", "榜样的力量（续）", "优秀党员故事", None, URL + "5"],
        ["A8", "微课", "技能", None, URL + "8", "音频", "五分钟", None, "2026年13月"],
    ], title=None)
    result = kiteline(db_url, "import", "lessons", path)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "有 7 行需要改正，学习资料一篇也没有导入：",
        "  第2行：标题为空（每篇资料都要有标题）",
        "  第3行（党史小故事）：类别“党史”不认识，请填：政策文件、发展动态、优秀党员故事、法律普及、心理健康、职业技能"
        "（家乡新闻即发展动态）",
        "  第4行（租房合同纠纷）：链接“www.example.invalid/3”不是网址，请填以 http:// 或 https:// 开头的完整链接",
        "  第5行（家乡新貌）：面向组织“东风乡”在系统中找不到（请写系统里的名称；组织架构可用 kiteline import orgs 导入）",
        "  第7行（榜样的力量（下））：编号“A5”与第6行重复",
        "  第8行（榜样的力量（续））：链接与第6行相同（同一篇资料只写一行）",
        "  第9行（微课）：类型“音频”应填图文或微视频；时长“五分钟”看不懂，请写成 5分30秒、05:30 或秒数 330；"
        "发布日期“2026年13月”不对，请写成 2026-11-03、2026.11 或 2026年11月3日",
        "请改正后重新导入同一个文件（整个文件一起导入，不会重复）。",
    ]
    assert library(db_url) == []


def test_a_sheet_without_a_link_column_is_refused(db_url, tmp_path):
    path = write_xlsx(tmp_path / "学习资料.xlsx", [["编号", "标题", "类别", "简介"], ["A1", "题", "法律", None]])
    result = kiteline(db_url, "import", "lessons", path)
    assert result.exit_code == 2
    assert "第3行是表头，但缺少“链接”列" in result.output


def test_importing_again_updates_what_changed_and_adds_nothing_twice(db_url, tmp_path):
    add_orgs(db_url)
    assert kiteline(db_url, "import", "lessons", str(DATA / "lessons.yaml")).exit_code == 0
    items = yaml.safe_load((DATA / "lessons.yaml").read_text(encoding="utf-8"))["lessons"]
    items[1]["summary"] = "律师讲解，附维权热线。"
    items[1]["tags"] = "欠薪、维权、12333"
    items[2]["targets"] = ["红柳镇", "青石街道"]
    items.append({"title": "和留守的孩子好好说话", "category": "心理健康", "url": URL + "new"})
    changed = tmp_path / "lessons.yaml"
    changed.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")

    dry = kiteline(db_url, "import", "lessons", "--dry-run", str(changed))
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[:2] == [DRY_RUN_NOTE, "试导入结果：新增 1 篇，更新 2 篇，无变化 1 篇。"]
    assert len(library(db_url)) == 3 and library(db_url)[1][3] == "真实案例加律师讲解。"

    result = kiteline(db_url, "import", "lessons", str(changed))
    assert result.output.splitlines() == [
        "学习资料导入完成：新增 1 篇，更新 2 篇，无变化 1 篇。",
        "更新的资料：",
        "  《被拖欠工资怎么办？三步依法维权》：简介、标签",
        "  《红柳镇新建农产品冷链仓库投入使用》：面向组织",
    ]
    stored = library(db_url)
    assert [row[0] for row in stored] == ["ZC-2026-01", "FL-2026-01", "XX-2026-01", None]
    assert stored[1][3] == "律师讲解，附维权热线。" and stored[1][7] == ["欠薪", "维权", "12333"]
    assert stored[2][9] == ["红柳镇", "青石街道"]
    assert stored[3][1:3] == ("和留守的孩子好好说话", "psychology") and stored[3][10] == 4

    again = kiteline(db_url, "import", "lessons", str(changed))
    assert again.output == "学习资料导入完成：新增 0 篇，更新 0 篇，无变化 4 篇。\n"
    assert len(library(db_url)) == 4


def test_a_library_imported_without_codes_takes_them_on_by_link(db_url, tmp_path):
    first = write_xlsx(tmp_path / "a.xlsx", [["标题", "类别", "链接"], ["工伤认定", "法律", URL + "g"]])
    assert kiteline(db_url, "import", "lessons", first).exit_code == 0
    coded = write_xlsx(tmp_path / "b.xlsx", [["编号", "标题", "类别", "链接"], ["FL-9", "工伤认定", "法律", URL + "g"]])
    result = kiteline(db_url, "import", "lessons", coded)
    assert result.output.splitlines()[:3] == ["学习资料导入完成：新增 0 篇，更新 1 篇，无变化 0 篇。", "更新的资料：",
                                              "  《工伤认定》：编号"]
    other = write_xlsx(tmp_path / "c.xlsx", [["编号", "标题", "类别", "链接"], ["FL-10", "工伤", "法律", URL + "g"]])
    refused = kiteline(db_url, "import", "lessons", other)
    assert refused.exit_code == 2
    assert "第4行（工伤）：链接已是编号“FL-9”《工伤认定》的链接；同一篇资料请用同一个编号" in refused.output


@pytest.mark.parametrize("name", ["export.xlsx", "export.yaml"])
def test_an_exported_library_imports_again_as_no_changes(db_url, tmp_path, name):
    add_orgs(db_url)
    assert kiteline(db_url, "import", "lessons", str(DATA / "lessons.yaml")).exit_code == 0
    extra = write_xlsx(tmp_path / "extra.xlsx", [
        HEADER, [None, "家政服务礼仪与技巧", "技能", "=先看这个", URL + "x", "微视频", "1:02:03", None, None,
                 "红柳镇白杨村党支部"]])
    assert kiteline(db_url, "import", "lessons", extra).exit_code == 0
    before = library(db_url)
    exported = kiteline(db_url, "export", "lessons", str(tmp_path / name))
    assert exported.output == f"已导出 4 篇学习资料到 {tmp_path / name}。改好后用 kiteline import lessons 导入。\n"
    result = kiteline(db_url, "import", "lessons", str(tmp_path / name))
    assert result.output == "学习资料导入完成：新增 0 篇，更新 0 篇，无变化 4 篇。\n"
    assert library(db_url) == before
    if name.endswith(".xlsx"):
        rows = list(openpyxl.load_workbook(tmp_path / name).active.iter_rows(values_only=True))
        assert rows[0] == tuple(HEADER)
        assert rows[2][:8] == ("FL-2026-01", "被拖欠工资怎么办？三步依法维权", "法律普及", "真实案例加律师讲解。",
                               URL + "fl-2026-01", "微视频", "5分30秒", "欠薪、维权")
        assert rows[4][6] == "1小时2分3秒" and rows[4][9] == "白杨村党支部"
