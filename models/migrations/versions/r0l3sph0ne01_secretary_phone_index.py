"""organizations.secretary_phone indexed

Revision ID: r0l3sph0ne01
Revises: h1st0ryby001
Create Date: 2026-12-06 18:40:00

Every inbound message's read of the sender (models.inbound_sender) asks whether an organisation
names the member as its secretary (models.roles): by phone, an index lookup rather than a scan
of every organisation.
"""
from alembic import op

revision = 'r0l3sph0ne01'
down_revision = 'h1st0ryby001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_secretary_phone'), ['secretary_phone'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_secretary_phone'))
