"""Who heads a member's organisations and hears of their records: the secretary of their branch,
else of the village above it, else their township's contact (乡镇联系人) — as the org file names
them (name and phone), the first of them bound to WeChat and not the member themself. A thought
report (``models.thought_reports.readers``) and a volunteer activity claim with no liaison to
review it (``models.points.reviewers``) go there."""
from __future__ import annotations

from sqlalchemy.orm import Session

from models.delivery.digest import secretary_of
from models.member import Member

# Organisations whose secretary (for a township: its contact) answers for the members below.
HEADED_KINDS = ("branch", "village", "township")
# What the head is to the member, in the member's words.
HEAD_WORDS = {"branch": "支部书记", "village": "支部书记", "township": "乡镇联系人"}


def first_head(session: Session, member: Member) -> tuple[Member, str] | None:
    """The nearest head of ``member``'s organisations bound to WeChat who is not the member,
    with what they are to the member (支部书记, 乡镇联系人); ``None`` when none is."""
    for org in reversed(member.branch.path()):
        if org.kind in HEADED_KINDS:
            head = secretary_of(session, org)
            if head is not None and head.id != member.id:
                return head, HEAD_WORDS[org.kind]
    return None
