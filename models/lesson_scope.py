"""Which lessons a member may be given, by their organisation (Lesson.targets, 面向组织).

A lesson without targets is for everyone. A lesson with targets is for the members of a target
organisation and of every organisation under it: a lesson for 红柳镇 reaches the members of
白杨村党支部 and 沙河村党支部. A member without an organisation sees only untargeted lessons.

:meth:`LessonScope.load` reads the library's targets and the org tree's parent links in two
queries; after that everything is in memory and cached per organisation, so a planner deciding
for 100,000 members does one set look-up per member (members share a few hundred branches).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.lesson import Lesson, LessonTarget
from models.org import Organization

L = TypeVar("L", bound=Lesson)


class LessonScope:
    """The library's targeting as loaded at one moment. Build with :meth:`load`."""

    def __init__(self, untargeted: Iterable[int], by_org: dict[int, set[int]],
                 parents: dict[int, int | None]) -> None:
        """``untargeted``: ids of lessons for everyone; ``by_org``: org id → ids of lessons
        targeted at it; ``parents``: org id → parent org id (``None`` at the root)."""
        self.untargeted = frozenset(untargeted)
        self.by_org = by_org
        self.parents = parents
        self._visible: dict[int | None, frozenset[int]] = {None: self.untargeted}

    @classmethod
    def load(cls, session: Session) -> "LessonScope":
        """Read every lesson's targets (one query: lessons left-joined to their targets) and the
        org tree's parent links (one query)."""
        untargeted: list[int] = []
        by_org: dict[int, set[int]] = defaultdict(set)
        rows = session.execute(select(Lesson.id, LessonTarget.org_id)
                               .outerjoin(LessonTarget, LessonTarget.lesson_id == Lesson.id))
        for lesson_id, org_id in rows:
            if org_id is None:
                untargeted.append(lesson_id)
            else:
                by_org[org_id].add(lesson_id)
        parents = dict(session.execute(select(Organization.id, Organization.parent_id)).all())
        return cls(untargeted, dict(by_org), parents)

    def visible_ids(self, org_id: int | None) -> frozenset[int]:
        """Ids of the lessons a member of organisation ``org_id`` may be given (``None``: a
        member without one — untargeted lessons only). Computed once per organisation."""
        found = self._visible.get(org_id)
        if found is None:
            ids = set(self.untargeted)
            node, seen = org_id, set()
            while node is not None and node not in seen:  # `seen`: a damaged tree never loops
                seen.add(node)
                ids |= self.by_org.get(node, set())
                node = self.parents.get(node)
            found = self._visible[org_id] = frozenset(ids)
        return found

    def filter(self, lessons: Iterable[L], org_id: int | None) -> list[L]:
        """Those of ``lessons`` (in their order) a member of ``org_id`` may be given."""
        visible = self.visible_ids(org_id)
        return [lesson for lesson in lessons if lesson.id in visible]
