"""The demo district for ``serve --demo``: a fictional org tree with branch secretaries, members
with red liaisons (1+N), a lesson library in all six categories (articles and micro-videos, one
news item for one township only) and eight sunshine stations in the cities its members went to,
loaded into an empty database.

Every person, phone and link here is invented (names with 某, 1380000xxxx, example.invalid).
"""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.demo_meetings import instructions as meeting_instructions
from bot.demo_meetings import load_meetings
from bot.demo_thought_reports import load_thought_reports
from bot.sandbox import state as sandbox_state
from models.binding import new_bind_code
from models.dues import DuesPayment, DuesStandard
from models.dues import months as dues_months
from models.follower import Follower
from models.lesson import Lesson, LessonTarget
from models.liaisons import Change, record_changes
from models.member import Liaison, Member
from models.org import Organization
from models.settings.sections import DEFAULT_PORT
from models.stations import Station

# township -> [(village, branch phone)]; each village has one branch "<village>党支部".
TREE = {
    "红柳镇": [("白杨村", "0471-5550001"), ("沙河村", "0471-5550002")],
    "青石街道": [("新建社区", "0471-5550003"), ("和平社区", "0471-5550004")],
}
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林"
GIVEN = "明华军芳英杰强丽敏静"
DESTINATIONS = [("广东", "深圳"), ("内蒙古", "包头"), ("浙江", "杭州"), ("江苏", "苏州"),
                ("北京", "北京"), ("广东", "东莞"), ("山东", "青岛"), ("四川", "成都")]
REASONS = ("work", "work", "business", "study", "family", "other")
MEMBERS_PER_BRANCH = 8   # mobile members, plus one liaison per branch
DEMO_BY = "示例数据"  # who the liaison history names for the demo's assignments
# The first mobile member: the identity the printed instructions bind with.
TRY_NAME, TRY_PHONE = "张某明", "13800001234"
LIAISON_OPENID = "oKite_liaison_{:04d}"
# The follower the printed instructions bind as the first branch's secretary.
SECRETARY_OPENID = "oKite_demo_secretary"

# category -> lessons as (编号, title, tags); law, psychology and skills are micro-videos (GLOSSARY).
LESSONS = {
    "policy": [("ZC-001", "学习新修订的《中国共产党纪律处分条例》", ["纪律", "条例"]),
               ("ZC-002", "一图读懂流动党员管理新规定", ["流动党员", "一图读懂"]),
               ("ZC-003", "党员权利和义务十问十答", ["党员权利", "问答"]),
               ("ZC-004", "《中国共产党党员教育管理工作条例》要点解读", ["教育管理", "条例"])],
    "news": [("DT-001", "家乡红柳镇新建农产品冷链仓库投入使用", ["红柳镇", "农业"]),
             ("DT-002", "白杨村光伏项目并网发电", ["白杨村", "新能源"]),
             ("DT-003", "沙河村道路硬化工程完工", ["沙河村", "道路"]),
             ("DT-004", "青石街道“家门口就业”招聘会举行", ["青石街道", "就业"])],
    "exemplary": [("GS-001", "在外不忘初心：流动党员张某的返乡创业路", ["返乡创业"]),
                  ("GS-002", "外卖骑手党员李某的“红色驿站”", ["新就业群体"]),
                  ("GS-003", "工地上的党员突击队", ["建筑工地"]),
                  ("GS-004", "把家乡的羊绒卖到全国的党员王某", ["电商", "羊绒"])],
    "law": [("FL-001", "被拖欠工资怎么办？三步依法维权", ["欠薪", "维权"]),
            ("FL-002", "劳动合同里要看清的五个条款", ["劳动合同"]),
            ("FL-003", "工伤认定与赔偿微课堂", ["工伤"]),
            ("FL-004", "租房合同纠纷的预防与处理", ["租房"])],
    "psychology": [("XL-001", "独自在外，如何排解孤独和压力", ["减压"]),
                   ("XL-002", "和留守的孩子好好说话", ["亲子", "留守儿童"]),
                   ("XL-003", "睡不好？五分钟放松练习", ["睡眠", "放松"]),
                   ("XL-004", "遇到挫折时给自己打打气", ["情绪"])],
    "skills": [("JN-001", "电工安全操作基础", ["电工", "安全"]),
               ("JN-002", "网店直播带货入门", ["直播", "电商"]),
               ("JN-003", "家政服务礼仪与技巧", ["家政"]),
               ("JN-004", "新能源汽车维修入门", ["汽修", "新能源"])],
}
VIDEO_CATEGORIES = ("law", "psychology", "skills")
# The hometown news of 红柳镇 is for its own members (and its branches') only.
TARGETED = {"DT-001": "红柳镇"}
SUMMARIES = {"policy": "原文要点加解读", "news": "看看家乡的新变化", "exemplary": "身边的榜样故事",
             "law": "真实案例加律师讲解", "psychology": "几个马上能用的小方法", "skills": "跟着视频一步步学"}
# Sunshine stations in the cities the demo's members went to (青岛 has none: the nearest is named
# with its distance). Coordinates GCJ-02, plausible for the district named; names invented.
STATIONS = [
    dict(name=name, province=province, city=city, district=district, address=address, hotline=hotline,
         hours=hours, services=services, latitude=lat, longitude=lon)
    for name, province, city, district, address, hotline, hours, services, lat, lon in [
        ("深圳龙华阳光驿站", "广东", "深圳", "龙华区", "深圳市龙华区民治街道示例路1号", "0755-55500100", "每天 9:00-21:00",
         "政策咨询、临时歇脚、就业信息、法律援助", 22.6256, 114.0438),
        ("深圳宝安西乡阳光驿站", "广东", "深圳", "宝安区", "深圳市宝安区西乡街道示例大道88号", "0755-55500101",
         "工作日 9:00-18:00", "政策咨询、组织关系接转、法律援助", 22.5790, 113.8650),
        ("东莞长安阳光驿站", "广东", "东莞", "长安镇", "东莞市长安镇示例路18号", "0769-55500300", "每天 8:30-20:30",
         "临时歇脚、就业信息、子女入学咨询", 22.8165, 113.8040),
        ("苏州工业园区阳光驿站", "江苏", "苏州", "工业园区", "苏州市工业园区示例街6号", "0512-55500400",
         "工作日 9:00-17:30", "政策咨询、就业信息、党员学习", 31.3170, 120.6690),
        ("杭州萧山阳光驿站", "浙江", "杭州", "萧山区", "杭州市萧山区示例路20号", "0571-55500500", "每天 9:00-18:00",
         "政策咨询、临时歇脚、心理疏导", 30.1840, 120.2640),
        ("包头昆都仑阳光驿站", "内蒙古", "包头", "昆都仑区", "包头市昆都仑区示例大街8号", "0472-5550200",
         "工作日 9:00-18:00", "政策咨询、党员学习、法律援助", 40.6600, 109.8300),
        ("北京丰台阳光驿站", "北京", "北京", "丰台区", "北京市丰台区示例西路3号", "010-55500600", "每天 9:00-19:00",
         "政策咨询、就业信息、法律援助、临时歇脚", 39.8585, 116.2870),
        ("成都武侯阳光驿站", "四川", "成都", "武侯区", "成都市武侯区示例巷5号", "028-55500700", "每天 9:00-20:00",
         "临时歇脚、就业信息、医疗咨询", 30.6420, 104.0430),
    ]
]


def load_demo(rt) -> str:
    """Fill an empty database with the demo district and return the text to show the user:
    what was loaded and how to try it. A database that already has organisations, members or
    lessons is left untouched (the text says so)."""
    with rt.session() as session:
        if _has_data(session):
            return "数据库里已经有数据，演示数据没有载入（--demo 只用于空数据库）。"
        now = rt.clock.now()
        district = Organization(name=rt.settings.district.name, kind="district")
        session.add(district)
        branches = _branches(session, district)
        members = _people(session, branches, now)
        meetings = load_meetings(session, branches, now, rt.settings.org_life, rt.settings.points)
        _lessons(session, now)
        _dues(session, members, now)
        session.add_all(Station(**fields) for fields in STATIONS)
        load_thought_reports(session, members[:MEMBERS_PER_BRANCH], now, rt.settings.points)
        session.commit()
        roles = _role_lines(rt, branches[0], session) + meeting_instructions(
            _chat_command(rt), rt.settings.server.public_base_url.rstrip("/"), meetings, rt.settings.org_life)
    if rt.settings.wechat.sandbox:
        # The liaisons followed the account long ago: WeChat (the sandbox) knows them too.
        sandbox_state.add_followers(rt.engine, liaison_openids())
    return _instructions(rt, members, roles)


def liaison_openids() -> list[str]:
    """The demo liaisons' openids, one per branch."""
    return [LIAISON_OPENID.format(i) for i in range(1, sum(len(v) for v in TREE.values()) + 1)]


def _has_data(session: Session) -> bool:
    return any(session.scalar(select(func.count()).select_from(model))
               for model in (Organization, Member, Lesson))


def _branches(session: Session, district: Organization) -> list[Organization]:
    branches = []
    for township_name, villages in TREE.items():
        township = Organization(name=township_name, kind="township", parent=district)
        for village_name, phone in villages:
            village = Organization(name=village_name, kind="village", parent=township)
            branches.append(Organization(name=f"{village_name}党支部", kind="branch", parent=village,
                                         contact_phone=phone))
    session.add_all(branches)
    session.flush()
    return branches


def _people(session: Session, branches: list[Organization], now: dt.datetime) -> list[Member]:
    """Per branch: its secretary (on the roster, unbound: they bind like any member and then
    get the daily digest of notices that never arrived), one bound liaison and
    MEMBERS_PER_BRANCH unbound mobile members."""
    names = (s + "某" + g for g, s in itertools.product(GIVEN, SURNAMES) if s + "某" + g != TRY_NAME)
    mobile = []
    for index, branch in enumerate(branches, start=1):
        branch.secretary_name, branch.secretary_phone = next(names), f"1370000{index:04d}"
        session.add(Member(name=branch.secretary_name, phone=branch.secretary_phone, branch_id=branch.id,
                           status="home", bind_code=new_bind_code(session), created_at=now))
        openid = LIAISON_OPENID.format(index)
        person = Member(name=next(names), phone=f"1390000{index:04d}", branch_id=branch.id, status="home",
                        openid=openid, bound_at=now, bind_code=new_bind_code(session), created_at=now)
        followed = now - dt.timedelta(days=30)
        session.add_all([person, Follower(openid=openid, first_seen_at=followed, last_interaction_at=followed)])
        session.flush()
        liaison = Liaison(member_id=person.id, branch_id=branch.id)
        session.add(liaison)
        session.flush()
        for _ in range(MEMBERS_PER_BRANCH):
            n = len(mobile)
            province, city = DESTINATIONS[n % len(DESTINATIONS)]
            member = Member(name=TRY_NAME if n == 0 else next(names),
                            phone=TRY_PHONE if n == 0 else f"1380000{2000 + n:04d}",
                            branch_id=branch.id, status="away",
                            away_since=dt.date(2021 + n % 4, 1 + n % 12, 1), away_reason=REASONS[n % 6],
                            current_province=province, current_city=city,
                            bind_code=new_bind_code(session), created_at=now)
            session.add(member)
            session.flush()
            mobile.append(member)
        # Through the liaison history, as a ledger naming the branch's liaison would.
        record_changes(session, [Change(m.id, None, liaison.id, created=True) for m in mobile[-MEMBERS_PER_BRANCH:]],
                       source="ledger", changed_by=DEMO_BY, now=now)
    return mobile


def _lessons(session: Session, now: dt.datetime) -> None:
    """The library: articles and micro-videos (3 to 8 minutes), published over the last weeks,
    one news item for 红柳镇 only."""
    townships = {o.name: o.id for o in session.scalars(select(Organization).where(Organization.kind == "township"))}
    sequence = itertools.count(1)
    # Interleave the categories so scheduled pushes vary day by day.
    for rank in range(4):
        for category, lessons in LESSONS.items():
            n = next(sequence)
            code, title, tags = lessons[rank]
            video = category in VIDEO_CATEGORIES
            seconds = 180 + (n * 47) % 300 if video else None
            length = f"{seconds // 60}分{seconds % 60}秒" if video else f"约{3 + n % 5}分钟读完"
            session.add(Lesson(code=code, title=title, category=category, summary=f"{SUMMARIES[category]}，{length}。",
                               url=f"https://kiteline.example.invalid/lessons/{n:03d}", sequence=n,
                               media_type="video" if video else "article", duration_seconds=seconds, tags=tags,
                               published_on=now.date() - dt.timedelta(days=3 * (24 - n)),
                               targets=[LessonTarget(org_id=townships[TARGETED[code]])] if code in TARGETED else [],
                               created_at=now))


# Party dues: each mobile member's monthly standard (fen) in turn, kept from DUES_MONTHS months
# back; every third member owes this month and the last, the rest are paid up.
DUES_STANDARDS = (1250, 500, 2000, 1000, 200)
DUES_MONTHS = 6
DUES_CHANNELS = ("微信", "现金", "银行", "代交")


def _dues(session: Session, members: list[Member], now: dt.datetime) -> None:
    """A dues standard for every mobile member and their payments, as a branch's dues sheet
    would record them (the first member, the one the instructions bind, owes two months)."""
    current = dues_months.current_period(now)
    since = dues_months.shift(current, -DUES_MONTHS)
    for n, member in enumerate(members):
        fen = DUES_STANDARDS[n % len(DUES_STANDARDS)]
        session.add(DuesStandard(member_id=member.id, amount_fen=fen, since=since, set_by=DEMO_BY, updated_at=now))
        owed = 2 if n % 3 == 0 else 0
        for period in dues_months.span(since, dues_months.shift(current, -owed)):
            session.add(DuesPayment(member_id=member.id, period=period, amount_fen=fen,
                                    paid_on=dt.date(int(period[:4]), int(period[5:]), 1 + n % 20),
                                    channel=DUES_CHANNELS[n % len(DUES_CHANNELS)], status="confirmed",
                                    source="import", recorded_by=DEMO_BY, recorded_at=now, confirmed_at=now,
                                    confirmed_by=DEMO_BY))


def _chat_command(rt) -> str:
    # the hints work as printed when the service listens on another port than the shipped one
    # (serve --port 8091: a chat in another terminal reads config.yaml's)
    port = rt.settings.server.port
    return "kiteline chat" if port == DEFAULT_PORT else f"kiteline chat --port {port}"


def _role_lines(rt, branch: Organization, session: Session) -> list[str]:
    """How to try the first branch's secretary (bind as them, then their command) and its
    liaison (already bound: their help lists their commands)."""
    chat = _chat_command(rt)
    liaison = session.scalar(select(Member).join(Liaison, Liaison.member_id == Member.id)
                             .where(Liaison.branch_id == branch.id))
    return [
        f"  支部书记：{chat} --openid {SECRETARY_OPENID} \"绑定 {branch.secretary_name} {branch.secretary_phone}\""
        f"（{branch.name}书记，绑定后可发“转接办结 姓名”“确认党费 姓名 月份”）",
        f"  红色联络员：{chat} --openid {liaison.openid} \"帮助\"（{branch.name}的联络员{liaison.name}，"
        "已绑定，看他能发的命令）",
    ]


def _instructions(rt, members: list[Member], roles: list[str]) -> str:
    base = rt.settings.server.public_base_url.rstrip("/")
    chat = _chat_command(rt)
    first, second = members[0], members[1]
    lessons = sum(len(t) for t in LESSONS.values())
    branches = sum(len(v) for v in TREE.values())
    return "\n".join([
        f"演示数据已载入：{rt.settings.district.name} → {len(TREE)} 个乡镇街道 → {branches} 个党支部，"
        f"{len(members) + 2 * branches} 名党员（每个支部 1 名支部书记、1 名红色联络员），{lessons} 篇学习资料，"
        f"{len(STATIONS)} 个阳光驿站。",
        "服务启动后，另开一个终端试试（kiteline chat 扮演微信服务器发消息）：",
        f"  {chat} \"绑定 {first.name} {first.phone}\"",
        f"  {chat} \"学习\"",
        f"  {chat} \"我现在在苏州\"",
        f"  {chat} \"求助 老板拖欠了三个月工资\"",
        f"  {chat} \"党费\"（交了多少、欠几个月；交了就回“我交了”，书记确认）",
        f"  扫码绑定：{chat} --openid oKite_demo_0002 --event subscribe "
        f"--key qrscene_bind_{second.bind_code}（{second.name}的邀请二维码）",
        f"  求助会立刻以模板消息通知{first.name}的联络员，看联络员收到了什么：",
        f"    curl {base}/sandbox/messages/{LIAISON_OPENID.format(1)}",
        f"  联络员回一句话（{chat} --openid {LIAISON_OPENID.format(1)} \"收到\"）后，求助全文以客服消息补发。",
        *roles,
        "其他可绑定的演示党员：" + "、".join(f"{m.name} {m.phone}" for m in members[2:5]),
    ])
