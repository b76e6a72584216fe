"""What an org file import did, as district staff read it: how many townships and branches, what
was added and changed, which secretaries and township contacts are on the roster (and so get
their role once they bind WeChat), and — when the file has problems — every bad row, nothing
stored."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.ledger_report import RowNote

LISTED = 20  # names a line lists before it only counts


@dataclass
class PersonCheck:
    """Secretaries (or township contacts) of the imported organisations: ``count`` people;
    ``on_roster`` of them on the roster (same name and phone), ``bound`` of those bound to WeChat;
    ``missing`` names not on the roster, as ``张某（红柳镇白杨村党支部）``; ``no_phone`` the
    organisations whose person has no phone (no one can be matched by name alone)."""

    count: int = 0
    on_roster: int = 0
    bound: int = 0
    missing: list[str] = field(default_factory=list)
    no_phone: list[str] = field(default_factory=list)


@dataclass
class OrgImportReport:
    """The outcome of one org file import. Counts are of the file's townships and branches;
    ``changes``: one line per stored value changed (``红柳镇白杨村党支部：书记 张某（138****0001）→
    李某（138****0002）``); ``liaisons``: the red liaisons the file names, ``liaisons_named`` those
    it made liaisons, ``liaisons_added`` those of them added to the roster (home members);
    ``errors``: rows that stopped the import; ``notes``: rows to check."""

    townships: int = 0
    townships_created: int = 0
    townships_updated: int = 0
    branches: int = 0
    branches_created: int = 0
    branches_updated: int = 0
    changes: list[str] = field(default_factory=list)
    secretaries: PersonCheck = field(default_factory=PersonCheck)
    contacts: PersonCheck = field(default_factory=PersonCheck)
    liaisons: int = 0
    liaisons_named: list[str] = field(default_factory=list)
    liaisons_added: list[str] = field(default_factory=list)
    errors: list[RowNote] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed to staff, in Chinese, phones masked."""
        if self.errors:
            return "\n".join([f"组织架构没有导入：有问题的行 {len(self.errors)} 行。为免只导入一半，其他行也没有写入；"
                              "请改正以下各行后重新导入：", *(f"  {note}" for note in self.errors)])
        unchanged = self.branches - self.branches_created - self.branches_updated
        lines = [f"组织架构导入完成：乡镇（街道）{self.townships} 个（新增 {self.townships_created}，"
                 f"更新 {self.townships_updated}），党支部 {self.branches} 个（新增 {self.branches_created}，"
                 f"更新 {self.branches_updated}，无变化 {unchanged}）。"]
        if not (self.townships_created or self.townships_updated or self.branches_created or self.branches_updated
                or self.liaisons_named):
            lines.append("没有变化：文件与系统中的组织架构一致。")
        if self.changes:
            lines.append(f"更新 {len(self.changes)} 处：")
            lines += [f"  {change}" for change in self.changes]
        lines += _people("书记", "支部书记", self.secretaries)
        if self.contacts.count or self.contacts.no_phone:
            lines += _people("乡镇联系人", "乡镇党委", self.contacts)
        if self.liaisons:
            lines.append(f"红色联络员 {self.liaisons} 人（新指定 {len(self.liaisons_named)} 人）"
                         + ("：" + "、".join(self.liaisons_named) if self.liaisons_named else "。"))
        if self.liaisons_added:
            lines.append("新加入名册的联络员（在家党员）：" + "、".join(self.liaisons_added))
        if self.unused_columns:
            lines.append("未识别的列（未导入）：" + "、".join(self.unused_columns)
                         + "；如需导入，请把表头改成“书记”“书记电话”“支部电话”“乡镇联系人”“乡镇联系电话”“红色联络员”这样的写法")
        if self.notes:
            lines.append(f"请核对以下 {len(self.notes)} 行（已导入）：")
            lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)


def _people(title: str, role: str, check: PersonCheck) -> list[str]:
    waiting = "，其余的绑定微信后即有" + role + "身份" if check.on_roster > check.bound else ""
    lines = [f"{title} {check.count} 人：{check.on_roster} 人已在名册中（{check.bound} 人已绑定微信{waiting}）。"]
    if check.missing:
        lines.append(f"不在名册中的{title}（把他们列入台账导入后即可绑定）：" + _listed(check.missing, "人"))
    if check.no_phone:
        lines.append(f"没写{title}手机号的（认不出是名册中的谁，请补上）：" + _listed(check.no_phone, "个"))
    return lines


def _listed(names: list[str], unit: str) -> str:
    """Names joined; past :data:`LISTED` the rest counted (before the first ledger every
    secretary of the district is missing: a line of two thousand names helps no one)."""
    if len(names) <= LISTED:
        return "、".join(names)
    return "、".join(names[:LISTED]) + f" 等 {len(names)} {unit}"
