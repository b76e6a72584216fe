"""The points rules in words, as members read them: each rule's name and how it is earned,
from ``points`` in config (GLOSSARY: 积分)."""
from __future__ import annotations

from models.settings import PointsSettings
from models.settings.points import RULES

# The rule of an entry that puts a mistake right (a negative delta takes points back). No rule
# of config: an entry kiteline never awards itself.
CORRECTION = "correction"
RULE_NAMES = {"study": "学习", "org_life": "组织生活", "activity": "志愿服务", "thought_report": "思想汇报",
              CORRECTION: "积分更正"}
# How each rule is earned, before its points ("每次 5 分").
HOW = {
    "study": "每打开一篇新的学习资料得",
    "org_life": "参加三会一课、主题党日等组织生活，每次得",
    "activity": "做了好事直接发给我（如“过年回村参加了义务清扫”），联络员审核通过后每次得",
    "thought_report": "交一篇思想汇报得",
}


def caps_text(points: PointsSettings, rule: str) -> str:
    """``每天最多 5 分、每月最多 60 分`` for ``rule``'s caps; empty when it has none."""
    caps = [f"{when}最多 {cap} 分" for when, cap in (("每天", points.daily_cap.get(rule)),
                                                   ("每月", points.monthly_cap.get(rule))) if cap is not None]
    return "、".join(caps)


def how_to_earn(points: PointsSettings) -> list[str]:
    """One line per rule that earns points: ``学习：每打开一篇新的学习资料得 1 分，每天最多 5 分``."""
    lines = []
    for rule in RULES:
        each = points.each(rule)
        if each > 0:
            caps = caps_text(points, rule)
            lines.append(f"{RULE_NAMES[rule]}：{HOW[rule]} {each} 分" + (f"，{caps}" if caps else ""))
    return lines
