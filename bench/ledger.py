"""Ledger import and export at scale: time and peak memory of ``kiteline import members`` and
``kiteline export members`` on generated ledgers.

    python -m bench.ledger [--rows 800,100000] [--branches 20]
                           [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
                           [--keep DIR]                                    (from the repo root)

For each size N it writes a ledger of N members spread over M branches (``--branches``), as
branches keep them: title rows above the header, fictional names (张某… built from characters,
never digits: the import refuses a name with a digit), phones 138xxxxxxxx — some full-width,
dashed or spaced — dates in the usual spellings, a red liaison (红色联络员) for every 50 members
(``李某 13800000000`` or the name alone), a few bad rows (a short phone, an empty name, a
duplicate) and a 合计 footer. Then, each step a fresh ``kiteline`` process on a database that
starts empty (a new SQLite file, or a throwaway database created on the ``--database-url``
server and dropped after):

1. ``import members FILE --create-orgs`` (the first import: every member created);
2. the same again (nobody added, nothing changed);
3. ``export members OUT.xlsx`` (skipped when the command does not exist);
4. ``import members OUT.xlsx`` (the round trip: nobody added, nothing changed).

Each line gives the wall time of the whole command (start-up and migrations included) and the
process's peak resident memory (``ru_maxrss`` from ``os.wait4``: the child's own peak, the
interpreter and libraries included), with the first line of its report. A first line,
``kiteline db upgrade`` on the same database, shows what start-up alone takes of both.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ("明华强伟芳娟敏静丽军杰涛磊超勇艳娜平刚桂英秀兰玉珍凤洁霞红梅琳燕辉鹏飞斌宇浩凯健俊帆帅旭宁"
         "龙林阳波亮成建志国峰海春晨雪婷倩佳欣怡瑶璐琪颖莹晶露蕾薇娅楠丹宏文博彬振鑫安康乐福顺泽瑞祥")
TOWNS = "红柳沙河白杨青山绿水金川银滩石门云台松岭枫林桃源梨花稻香麦田清溪长岗"
PLACES = [("广东", "深圳"), ("广东", "广州"), ("浙江", "杭州"), ("江苏", "苏州"), ("上海", "上海"),
          ("北京", "北京"), ("山东", "青岛"), ("四川", "成都"), ("湖北", "武汉"), ("福建", "厦门")]
REASONS = ("务工", "经商", "求学", "随迁", "其他")
EMPLOYERS = ("电子厂", "物流公司", "外卖平台", "建筑工地", "餐饮店", None)
HEADER = ("序号", "姓名", "性别", "联系电话", "所属党支部", "入党时间", "外出时间", "流动去向\n（省）",
          "流动去向（市）", "外出原因", "工作单位", "红色联络员", "备注")
GROUP = 50  # members per liaison (1+N)


def person(i: int) -> tuple[str, str]:
    """The ``i``-th fictional member: a name unique for i < 405,000 and the phone 138 + i."""
    s, g = len(SURNAMES), len(GIVEN)
    name = SURNAMES[i % s] + "某" + GIVEN[(i // s) % g] + GIVEN[(i // (s * g)) % g]
    return name, f"138{i:08d}"


def branch_name(j: int) -> str:
    """The ``j``-th branch, township first as ledgers write it (红柳镇明华村党支部)."""
    town = TOWNS[2 * (j // 100) % len(TOWNS):][:2] + "镇"  # 100 branches a township
    return f"{town}{GIVEN[j % len(GIVEN)]}{GIVEN[(j // len(GIVEN)) % len(GIVEN)]}村党支部"


def phone_as_written(phone: str, i: int) -> object:
    kind = i % 40
    if kind == 1:
        return phone.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if kind == 2:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if kind == 3:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if kind == 4:
        return int(phone)
    return phone


def date_as_written(day: dt.date, i: int) -> object:
    kind = i % 5
    return (f"{day.year}.{day.month}" if kind == 0 else f"{day.year}年{day.month}月" if kind == 1
            else f"{day.year}/{day.month:02d}/{day.day:02d}" if kind == 2
            else f"{day.year}-{day.month}" if kind == 3 else dt.datetime(day.year, day.month, day.day))


def ledger_rows(n: int, branches: int):
    """The sheet's rows: title, blank, header, ``n`` member rows (a few of them bad), footer."""
    yield ["某区流动党员信息台账（基准测试，虚构数据）"] + [None] * (len(HEADER) - 1)
    yield [None] * len(HEADER)
    yield list(HEADER)
    for i in range(n):
        name, phone = person(i)
        j = (i // GROUP) % branches
        head = (i // GROUP) * GROUP  # the group's first member is its liaison
        liaison_name, liaison_phone = person(head)
        liaison = f"{liaison_name} {liaison_phone}" if (i // GROUP) % 2 == 0 else liaison_name
        province, city = PLACES[i % len(PLACES)]
        row = [i + 1, name, "男女"[i % 2], phone_as_written(phone, i), branch_name(j),
               date_as_written(dt.date(1980 + i % 40, 1 + i % 12, 1), i),
               date_as_written(dt.date(2015 + i % 10, 1 + i % 12, 1 + i % 28), i + 1),
               province + ("省" if i % 7 == 0 and province not in ("上海", "北京") else ""),
               city + ("市" if i % 3 == 0 else ""), REASONS[i % 5], EMPLOYERS[i % 6],
               None if i == head else liaison, None]
        if i % 997 == 500:
            row[3] = phone[:10]  # a short phone: a row left out
        elif i % 1999 == 700:
            row[1] = None  # no name: a row left out
        yield row
        if i % 4999 == 900:
            yield list(row)  # the same member twice: the second is left out
    yield [f"合计：{n}人"] + [None] * (len(HEADER) - 1)


def write_ledger(path: Path, n: int, branches: int) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    for row in ledger_rows(n, branches):
        sheet.append(row)
    book.save(path)


def run_cli(args: list[str], db_url: str) -> dict:
    """One ``kiteline`` command in a fresh process: seconds, peak RSS in MB, exit code, output."""
    env = {**os.environ, "KITELINE_DATABASE__URL": db_url, "KITELINE_SCHEDULER__ENABLED": "false"}
    command = [sys.executable, "-c", "from bot.cli import run; run()",
               "--config", str(ROOT / "config.yaml"), *args]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "exit": proc.returncode, "output": output}


def fresh_database(admin_url: str | None, workdir: Path, label: str) -> tuple[str, callable]:
    """A URL to an empty database and a function that drops it."""
    if admin_url is None:
        path = workdir / f"{label}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    admin = make_url(admin_url)
    name = f"kiteline_bench_{os.getpid()}_{label}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False), drop


def report(step: str, result: dict) -> None:
    lines = result["output"].strip().splitlines()
    first = next((line for line in lines if "导入完成" in line or "导出" in line), lines[0] if lines else "")
    print(f"  {step:<28} {result['seconds']:8.1f} s  {result['rss_mb']:7.0f} MB  exit {result['exit']}  {first}",
          flush=True)


def bench_size(n: int, branches: int, admin_url: str | None, workdir: Path) -> None:
    ledger = workdir / f"ledger_{n}.xlsx"
    start = time.perf_counter()
    write_ledger(ledger, n, branches)
    print(f"{n:,} rows in {branches} branches ({ledger.stat().st_size / 1e6:.1f} MB, "
          f"written in {time.perf_counter() - start:.1f} s):", flush=True)
    db_url, drop = fresh_database(admin_url, workdir, f"n{n}")
    try:
        report("start-up alone (db upgrade)", run_cli(["db", "upgrade"], db_url))
        report("import (empty database)", run_cli(["import", "members", str(ledger), "--create-orgs"], db_url))
        report("import again", run_cli(["import", "members", str(ledger)], db_url))
        exported = workdir / f"export_{n}.xlsx"
        result = run_cli(["export", "members", str(exported)], db_url)
        if "No such command" in result["output"]:
            print("  export members: not in this version", flush=True)
            return
        report("export", result)
        report("import the export", run_cli(["import", "members", str(exported)], db_url))
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="800,100000", help="comma-separated ledger sizes")
    parser.add_argument("--branches", type=int, default=20, help="branches the members spread over")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server (admin URL); a throwaway database is made on it")
    parser.add_argument("--keep", default=None, help="keep the generated files in this directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(args.keep or scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        for n in (int(x) for x in args.rows.split(",")):
            bench_size(n, args.branches, args.database_url, workdir)


if __name__ == "__main__":
    main()
