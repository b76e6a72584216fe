"""Regular contact (定时联系): red liaisons keep in touch with their mobile members.

- ``log``: the contact log (``liaison_contacts``) and :func:`record_contact`, which every way of
  getting in touch goes through — "联系 姓名 备注" (``handlers.liaison_contact``), a liaison's
  answer to a member's help request (``handlers.liaison_answer``);
- ``names``: which of a liaison's members a few words name;
- ``plan``: the monthly list of members nobody contacted for ``liaison.contact_days``.
"""
from models.liaison_contacts.log import (
    CONTACT_KINDS,
    KIND_NAMES,
    LiaisonContact,
    last_contact_at,
    recent_contacts,
    record_contact,
)
from models.liaison_contacts.names import Named, members_of, named
from models.liaison_contacts.plan import PLAN_PURPOSE, due_members, queue_contact_plans

__all__ = [
    "CONTACT_KINDS", "KIND_NAMES", "PLAN_PURPOSE", "LiaisonContact", "Named", "due_members", "last_contact_at",
    "members_of", "named", "queue_contact_plans", "recent_contacts", "record_contact",
]
