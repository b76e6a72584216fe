"""The organisation tree: district → township/street → village/community → branch (党支部)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, intpk

ORG_KINDS = ("district", "township", "village", "branch")


class Organization(Base):
    """One node of the org tree (``kind`` in district/township/village/branch)."""

    __tablename__ = "organizations"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_organizations_parent_name"),
        CheckConstraint(f"kind IN {ORG_KINDS}", name="kind"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    # The branch secretary's phone, shown to members when a capability is handled by people.
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    # The branch secretary (支部书记), as the org file names them (for a township: its committee's
    # contact, 乡镇联系人). Their WeChat is the bound roster member with this name and phone
    # (models.roles); a branch's gets the daily list of notices that never arrived.
    secretary_name: Mapped[str | None] = mapped_column(String(64))
    # Indexed: every message's read of the sender looks for an organisation naming them (models.roles).
    secretary_phone: Mapped[str | None] = mapped_column(String(20), index=True)

    parent: Mapped["Organization | None"] = relationship(remote_side="Organization.id")

    def path(self) -> list["Organization"]:
        """Nodes from the root down to this one."""
        node, chain = self, []
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

