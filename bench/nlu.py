"""Router speed: messages per second for normalise + route + slots, one process, one core.

    python -m bench.nlu [FILE.jsonl ...] [--seconds 3] [--repeat 5]     (from the repo root)

Defaults to every labelled message (handlers/nlu/train/ and handlers/nlu/sealed/). Each text is routed as is,
round-robin: the router keeps the routes of its last ``ROUTES_KEPT`` (1,024) texts, and a cycle
through more texts than that finds none kept, so every route is computed (a file of fewer texts
would measure the look-up instead: the run says so); the best of ``--repeat`` runs of CPU time is reported
with the wall-clock rate of the same run, because other processes on a shared machine inflate
wall time but not the router's own work.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# Run as a file (python bench/nlu.py), this file's folder comes first on sys.path and its name
# would hide the ``nlu`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from handlers.nlu.bayes import SEALED_FILES, TRAINING_FILES, load  # noqa: E402
from handlers.nlu.router import ROUTES_KEPT, Router  # noqa: E402
from handlers.registry import build_router  # noqa: E402
from models.settings import load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [*TRAINING_FILES, *SEALED_FILES]


def run_once(router: Router, texts: list[str], seconds: float) -> tuple[float, float]:
    """(messages per CPU second, messages per wall second) for one run of ≥ ``seconds`` CPU."""
    done, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
    while time.process_time() - cpu0 < seconds:
        for text in texts:
            router.route(text)
        done += len(texts)
    return done / (time.process_time() - cpu0), done / (time.perf_counter() - wall0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[f for f in DEFAULT_FILES if f.exists()])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    started = time.perf_counter()
    router = build_router(load_settings(ROOT / "config.yaml").nlu)
    print(f"router ready in {time.perf_counter() - started:.2f} s (jieba + user dictionary, once)")
    texts = [row["text"] for f in args.files for row in load(f)]
    if len(set(texts)) <= ROUTES_KEPT:
        print(f"note: {len(set(texts))} distinct texts fit the router's {ROUTES_KEPT} kept routes: "
              "after the first pass this measures the look-up, not routing")
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} messages, {mean_chars:.1f} characters on average, from "
          + ", ".join(f.name for f in args.files))
    runs = [run_once(router, texts, args.seconds) for _ in range(args.repeat)]
    cpu, wall = max(runs)
    print(f"normalise + route + slots: {cpu:,.0f} messages/s per core (CPU time; "
          f"{1e6 / cpu:.0f} µs each); wall clock in that run {wall:,.0f}/s")


if __name__ == "__main__":
    main()
