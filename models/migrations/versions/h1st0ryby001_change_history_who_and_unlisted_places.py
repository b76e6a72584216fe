"""change history says who; destinations the place list does not know are flagged

Revision ID: h1st0ryby001
Revises: v3r1fyasks01
Create Date: 2026-12-08 10:00:00

``member_changes.changed_by``: who made each change (the sender's openid, the ledger file's name,
the console user, 核查). Rows recorded before stay empty: who made them was not kept.
``members.place_unlisted``: the destination was kept as written because the place list does not
know it; staff check it.
"""
import sqlalchemy as sa
from alembic import op

revision = 'h1st0ryby001'
down_revision = 'v3r1fyasks01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, which SQLite and PostgreSQL both do in place: a batch would copy the
    # members table, and dropping the old copy breaks the foreign keys other tables hold on it.
    op.add_column('member_changes', sa.Column('changed_by', sa.String(length=64), nullable=True))
    op.add_column('members', sa.Column('place_unlisted', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('place_unlisted')
    with op.batch_alter_table('member_changes', schema=None) as batch_op:
        batch_op.drop_column('changed_by')
