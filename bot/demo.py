"""The demo district for ``serve --demo`` (filled in by the members/demo work)."""
from __future__ import annotations


def load_demo(rt) -> str:
    return "演示数据尚未准备。"
