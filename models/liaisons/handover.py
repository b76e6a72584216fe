"""Handing members over from one red liaison to another (交接): what a change of liaisons does
beyond the history (``models.liaisons.assignment``).

- The member's open tickets (``models.tickets.OPEN``) go with them: the ticket's liaison
  becomes the new one, and so does its holder when the old liaison held it (or nobody did; a
  ticket passed on to the secretary stays in the secretary's hands). Each moved ticket gets a
  ``transferred`` event by ``system`` whose note says from whom to whom and why. The new
  liaison can then answer it by number (``handlers.liaison_answer``), the old one no longer.
- Both liaisons are told through the outbox, one notice each per operation
  (``models.liaisons.notices``), and each bound member is told the name of their new liaison.

Members the same operation added to the roster (``Change.created``) have nothing to hand over.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.liaisons.assignment import CHUNK, SOURCE_NAMES, Change, record_changes
from models.liaisons.notices import Notices
from models.member import Liaison, Member
from models.tickets import OPEN, Actor, Ticket
from models.tickets.events import record_event


@dataclass
class Handover:
    """What one operation handed over: ``tickets`` the numbers of the open tickets moved;
    ``told`` the liaisons sent a notice, ``untold`` those who could not be (no WeChat bound:
    someone should phone them), both by name; ``members_told`` how many members were sent
    their new liaison's name."""

    tickets: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    untold: list[str] = field(default_factory=list)
    members_told: int = 0

    def lines(self) -> list[str]:
        """What the operation's report adds, in Chinese (nothing when nothing was handed over);
        worded to read true in a dry run's report too."""
        lines = []
        if self.tickets:
            lines.append(f"未办结求助 {len(self.tickets)} 件随党员转给新联络员：" + "、".join(self.tickets))
        if self.told:
            lines.append("微信通知的联络员：" + "、".join(self.told))
        if self.untold:
            lines.append("没有绑定微信、请电话告知的联络员：" + "、".join(self.untold))
        if self.members_told:
            lines.append(f"微信告知新联络员的党员：{self.members_told} 名（没绑定微信的请联络员电话告知）")
        return lines


def change_liaisons(session: Session, changes: Sequence[Change], *, source: str, changed_by: str,
                    now: dt.datetime, template_id: str | None) -> Handover:
    """Set the liaisons ``changes`` name with their history (``record_changes``) and hand the
    members over (:func:`hand_over`): the one call every path that changes a member's liaison
    makes. ``source``: one of ``models.liaisons.assignment.SOURCES`` but ``backfill``;
    ``changed_by``: who (the file's name, the console user). The caller commits."""
    batch = record_changes(session, changes, source=source, changed_by=changed_by, now=now)
    return hand_over(session, changes, batch=batch, source=source, changed_by=changed_by, now=now,
                     template_id=template_id)


def hand_over(session: Session, changes: Sequence[Change], *, batch: int, source: str, changed_by: str,
              now: dt.datetime, template_id: str | None) -> Handover:
    """Move the open tickets of the members in ``changes`` to their new liaison and queue the
    notices to both liaisons and to the members. ``batch`` names the operation (the value
    ``record_changes`` returned), so running the notices again queues nothing twice.
    ``template_id``: the ``liaison_handover`` template (config ``wechat.templates``) a liaison
    whose window is closed gets at once; ``None``: the notice waits for their next message.
    The caller commits."""
    moved_members = [c for c in changes if not c.created and c.old != c.new]
    if not moved_members:
        return Handover()
    new_of = {c.member_id: c.new for c in moved_members}
    tickets = _open_tickets(session, new_of)
    liaisons = _liaisons(session, {c.new for c in moved_members} | {c.old for c in moved_members if c.old}
                         | {t.liaison_id for t in tickets if t.liaison_id})
    members = _members(session, new_of)
    notices = Notices(batch=batch, source=source, now=now, template_id=template_id)
    for change in moved_members:
        old = liaisons.get(change.old) if change.old else None
        notices.member_moved(members[change.member_id], old, liaisons[change.new])
    handover = Handover()
    note_by = f"{SOURCE_NAMES[source]}，{changed_by}"
    for ticket in tickets:
        old, new = liaisons.get(ticket.liaison_id), liaisons[new_of[ticket.member_id]]
        if ticket.holder_id is None or (old is not None and ticket.holder_id == old.member_id):
            ticket.holder = new.member
        ticket.liaison = new
        record_event(session, ticket, "transferred", actor=Actor("system"), now=now,
                     note=f"红色联络员调整（{note_by}）：{old.member.name if old else '无'} → {new.member.name}")
        notices.ticket_moved(ticket, members[ticket.member_id], old, new)
        handover.tickets.append(ticket.number)
    handover.told, handover.untold, handover.members_told = notices.queue(session)
    return handover


def _open_tickets(session: Session, new_of: dict[int, int]) -> list[Ticket]:
    """The open tickets of the members ``new_of`` names not yet with their new liaison, oldest first."""
    found = []
    for chunk in _chunks(list(new_of)):
        found += session.scalars(select(Ticket).where(Ticket.member_id.in_(chunk), Ticket.status.in_(OPEN))
                                 .order_by(Ticket.id))
    return sorted((t for t in found if t.liaison_id != new_of[t.member_id]), key=lambda t: t.id)


def _liaisons(session: Session, ids: set[int]) -> dict[int, Liaison]:
    found = {}
    for chunk in _chunks(sorted(ids)):
        found.update((li.id, li) for li in session.scalars(
            select(Liaison).where(Liaison.id.in_(chunk))
            .options(selectinload(Liaison.member), selectinload(Liaison.branch))))
    return found


def _members(session: Session, ids: Iterable[int]) -> dict[int, Member]:
    found = {}
    for chunk in _chunks(sorted(ids)):
        found.update((m.id, m) for m in session.scalars(select(Member).where(Member.id.in_(chunk))))
    return found


def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
