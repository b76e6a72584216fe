"""What a ledger (台账) import did, as the branch reads it: counts, the organisations and red
liaisons it created, every row left out with its reason, and every row to check."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# Organisation kinds as the report names them, in tree order.
KIND_NAMES = {"district": "区县", "township": "乡镇（街道）", "village": "村（社区）", "branch": "党支部"}


class RowNote(NamedTuple):
    """One remark on one ledger row: its sheet row number, the member's name when the row has
    one, and the reason in Chinese. ``str()`` gives ``第65行（刘某强强）：…``."""

    row: int
    name: str | None
    reason: str

    def __str__(self) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"第{self.row}行{who}：{self.reason}"


@dataclass
class ImportReport:
    """What an import did. ``errors``: rows left out; ``warnings``: rows imported that staff
    should check (a liaison not assigned, a phone shared with another member).
    ``orgs_created``: ``(kind, name)``; ``liaisons_named``: members made red liaisons;
    ``liaisons_added``: of those, people added to the roster as home members; ``handover``:
    what changing members' liaisons handed over (``models.liaisons.Handover.lines``);
    ``unused_columns``: header cells of columns not imported, as the sheet writes them."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)
    orgs_created: list[tuple[str, str]] = field(default_factory=list)
    liaisons_named: list[str] = field(default_factory=list)
    liaisons_added: list[str] = field(default_factory=list)
    handover: list[str] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to the branch, in Chinese, one row a line."""
        lines = [(f"导入完成：新增 {self.created} 人，更新 {self.updated} 人，"
                  f"无变化 {self.unchanged} 人；有问题的行 {len(self.errors)} 行（未导入）。")]
        if self.unused_columns:
            lines.append("未识别的列（未导入）：" + "、".join(self.unused_columns)
                         + "；如需导入，请把表头改成常用写法（如“流动去向（市）”“工作单位”）后重新导入")
        lines += self._organisations()
        if self.liaisons_named:
            lines.append("新指定红色联络员：" + "、".join(self.liaisons_named))
        if self.liaisons_added:
            lines.append("新加入名册的联络员（在家党员）：" + "、".join(self.liaisons_added))
        lines += self.handover
        if self.errors:
            lines.append("有问题的行（未导入）：")
            lines += [f"  {note}" for note in self.errors]
            lines.append("请改正这些行后重新导入同一个文件，已导入的人不会重复。")
        if self.warnings:
            lines.append(f"请核对以下 {len(self.warnings)} 行（已导入）：")
            lines += [f"  {note}" for note in sorted(self.warnings)]
        return "\n".join(lines)

    def _organisations(self) -> list[str]:
        if not self.orgs_created:
            return []
        lines = [f"新建党组织 {len(self.orgs_created)} 个："]
        for kind, title in KIND_NAMES.items():
            names = [name for k, name in self.orgs_created if k == kind]
            if names:
                lines.append(f"  {title}：" + "、".join(names))
        return lines
