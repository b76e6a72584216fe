"""Why a message is sent, and what that promises: each outbox purpose with its delivery
guarantee (DESIGN.md §2), declared here and nowhere else.

A send can end with an *unknown* outcome — the request was written and no answer came (a read
timeout, a process killed mid-call) — and then the purpose decides:

- **at most once** (lessons, and reminders when they come): the row becomes ``unknown``, is
  listed in ``kiteline report delivery``, and is never sent again. A member who misses one
  lesson loses little; a member who gets the same push three times stops reading them.
- **at least once** (notices to a liaison or a secretary, answers to a member): the row is sent
  again and ``resends`` counts it. Someone is waiting on these; a second copy is a nuisance, a
  lost one is a member left without help.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Guarantee(StrEnum):
    """How often a message of one purpose may reach its reader when an outcome is unknown."""

    AT_MOST_ONCE = "at_most_once"
    AT_LEAST_ONCE = "at_least_once"


@dataclass(frozen=True)
class Purpose:
    """Why a message is sent: its delivery guarantee, its name for people (reports, digests),
    and whether, outside the reader's customer-service window, its template form goes at once
    (``template_fallback``; template messages are for service notices only, DESIGN.md §2) —
    otherwise it waits for the reader's next message — and whether its texts may go by mass send
    (``mass_send``: 群发, at most 4 a member a calendar month, for what is the same for many
    members; ``models.delivery.mass``) while the reader's window is closed."""

    guarantee: Guarantee
    name: str
    template_fallback: bool = False
    mass_send: bool = False


#: Every outbox purpose. ``enqueue`` refuses any other: a new kind of message must say here how
#: it is delivered. ``bind_alert`` (a liaison told of suspicious binding attempts),
#: ``delivery_digest`` (the secretary's daily list of notices that failed) and
#: ``verification_list`` are notices; ``verification_ask`` is a reminder to a member.
PURPOSES: dict[str, Purpose] = {
    "lesson_push": Purpose(Guarantee.AT_MOST_ONCE, "学习推送"),
    # The week's digest of new lessons (models.broadcasts.content): one text, at most once; by
    # mass send to members whose window is closed (models.delivery.mass).
    "lesson_digest": Purpose(Guarantee.AT_MOST_ONCE, "每周学习汇总", mass_send=True),
    "liaison_notice": Purpose(Guarantee.AT_LEAST_ONCE, "新求助通知", template_fallback=True),
    "liaison_addition": Purpose(Guarantee.AT_LEAST_ONCE, "求助补充通知"),
    # An answer to a member's help request (回复, 办结): a service notice the member asked for,
    # so outside their window its template ("您的求助有新回复", wechat.templates.ticket_reply)
    # goes at once and the full text on their next message.
    "liaison_answer": Purpose(Guarantee.AT_LEAST_ONCE, "求助答复", template_fallback=True),
    # A ticket handed on (转 N 姓名): the new holder's notice (its template outside the window,
    # as a new ticket's), and the member told who has it now (on their next message).
    "ticket_handover": Purpose(Guarantee.AT_LEAST_ONCE, "求助转交通知", template_fallback=True),
    # A new help request for the branch secretary (or township contact) standing in for a
    # liaison (models.tickets.routing); a late ticket's escalation step telling whoever holds it,
    # then the secretary, then the township contact (models.tickets.escalation). Notices a person
    # waits on: at once as a template outside the window, like a liaison's.
    "secretary_notice": Purpose(Guarantee.AT_LEAST_ONCE, "新求助通知（书记）", template_fallback=True),
    "ticket_escalation": Purpose(Guarantee.AT_LEAST_ONCE, "求助超时上报", template_fallback=True),
    "late_reply": Purpose(Guarantee.AT_LEAST_ONCE, "补发的回复"),
    "bind_alert": Purpose(Guarantee.AT_LEAST_ONCE, "绑定异常提醒"),
    "delivery_digest": Purpose(Guarantee.AT_LEAST_ONCE, "未送达汇总", template_fallback=True),
    # 组织关系转接 (models.transfers): the guide a member away long enough is sent once (a
    # reminder: at most once — they can ask for it any time); a member's request reaching their
    # branch secretary, and the member told it is done (someone waits on these).
    "transfer_guide": Purpose(Guarantee.AT_MOST_ONCE, "组织关系转接提醒"),
    "transfer_notice": Purpose(Guarantee.AT_LEAST_ONCE, "转接申请通知"),
    "transfer_done": Purpose(Guarantee.AT_LEAST_ONCE, "转接办结通知"),
    # A member asked to confirm their info (models.verification): a reminder, at most once.
    "verification_ask": Purpose(Guarantee.AT_MOST_ONCE, "信息核对"),
    # A liaison's (or secretary's) list of members who did not confirm: a notice.
    "verification_list": Purpose(Guarantee.AT_LEAST_ONCE, "核对未确认名单", template_fallback=True),
    # A member rated a resolved ticket 1 or 2 (models.tickets.ratings): the secretary (or township
    # contact) it is handed to is told at once — a notice the member's rating triggered.
    "ticket_reopened": Purpose(Guarantee.AT_LEAST_ONCE, "求助重新打开通知", template_fallback=True),
    # A liaison's monthly list of members nobody contacted lately (models.liaison_contacts.plan).
    "contact_plan": Purpose(Guarantee.AT_LEAST_ONCE, "定时联系名单", template_fallback=True),
    # A change of red liaisons (models.liaisons): each liaison's list of the members and open
    # tickets handed to them or away from them (a notice); the member told their new liaison's
    # name (no template: the member did not ask; it waits for their next message).
    "liaison_handover": Purpose(Guarantee.AT_LEAST_ONCE, "联络员交接通知", template_fallback=True),
    "liaison_changed": Purpose(Guarantee.AT_MOST_ONCE, "联络员变更告知"),
    # A member's volunteer activity claim reaching its reviewer (models.points.claims): a notice,
    # as a template at once outside the window; the member told the decision — someone waits on
    # it, but it can wait for their next message (no template).
    "activity_claim": Purpose(Guarantee.AT_LEAST_ONCE, "志愿服务待审核", template_fallback=True),
    "activity_decision": Purpose(Guarantee.AT_LEAST_ONCE, "志愿服务审核结果"),
    # A member's thought report reaching the branch secretary (models.thought_reports): a notice
    # the member's submission triggered and the secretary waits on — its template at once outside
    # the window (wechat.templates.thought_report). The member told it was read (阅, with the
    # comment): an answer to them, but they did not ask just now — it waits for their next
    # message, no template. The quarterly reminder to members with no report: at most once.
    "thought_report": Purpose(Guarantee.AT_LEAST_ONCE, "思想汇报待阅", template_fallback=True),
    "thought_report_read": Purpose(Guarantee.AT_LEAST_ONCE, "思想汇报已阅"),
    "thought_report_reminder": Purpose(Guarantee.AT_MOST_ONCE, "思想汇报提醒"),
    # Party dues (models.dues): a member's 我交了 reaching the branch secretary, and the member told
    # a payment is confirmed (someone waits on both; they wait for the reader's next message);
    # the monthly reminder of months owed (a reminder: at most once, never a template).
    "dues_report": Purpose(Guarantee.AT_LEAST_ONCE, "党费待确认"),
    "dues_confirmed": Purpose(Guarantee.AT_LEAST_ONCE, "党费确认通知"),
    "dues_reminder": Purpose(Guarantee.AT_MOST_ONCE, "党费提醒"),
    # Organisational life (models.meetings.notices): a branch meeting's notice to its members and
    # the reminder before it starts — at most once, never a template (a closed window: with the
    # member's next message, until the meeting is over); a member's leave reaching the secretary.
    "meeting_notice": Purpose(Guarantee.AT_MOST_ONCE, "组织生活通知"),
    "meeting_reminder": Purpose(Guarantee.AT_MOST_ONCE, "组织生活提醒"),
    "meeting_leave": Purpose(Guarantee.AT_LEAST_ONCE, "组织生活请假通知"),
}


def guarantee_of(purpose: str) -> Guarantee:
    """The declared guarantee of ``purpose``. A row of a purpose no longer declared (queued by
    an older version) counts as at most once: never a copy nobody asked for."""
    return PURPOSES[purpose].guarantee if purpose in PURPOSES else Guarantee.AT_MOST_ONCE


MASS_PURPOSES = tuple(name for name, p in PURPOSES.items() if p.mass_send)


def purpose_name(purpose: str) -> str:
    """The purpose in Chinese (新求助通知 …); an undeclared one as it is stored."""
    return PURPOSES[purpose].name if purpose in PURPOSES else purpose
