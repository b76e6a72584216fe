"""outbox claims, leases, resends and recipients; branch secretaries

Revision ID: d3l1v3ry0001
Revises: afeb73cd5be5
Create Date: 2026-12-06 12:00:00

Rows left ``sending`` by a dispatcher before this revision have no holder: they count as held
by a dispatcher that is gone, and the first round after the upgrade recovers them.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'd3l1v3ry0001'
down_revision = 'afeb73cd5be5'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('pending', 'deferred', 'sending', 'sent', 'failed', 'dropped')"
NEW_STATUSES = ("status IN ('pending', 'deferred', 'claimed', 'sending', 'sent', 'unknown', "
                "'failed', 'dropped')")


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resends', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reported_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_outbox_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_status'), NEW_STATUSES)
        batch_op.create_index(batch_op.f('ix_outbox_member_id'), ['member_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_member_id_members'), 'members', ['member_id'], ['id'])
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('resends', server_default=None)
    # The recipient of rows queued before: the member bound to the openid now, if any.
    op.execute("UPDATE outbox SET member_id = (SELECT members.id FROM members "
               "WHERE members.openid = outbox.openid)")
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secretary_name', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('secretary_phone', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('secretary_phone')
        batch_op.drop_column('secretary_name')
    op.execute("UPDATE outbox SET status = 'sending' WHERE status IN ('claimed', 'unknown')")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_member_id_members'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_member_id'))
        batch_op.drop_constraint(batch_op.f('ck_outbox_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_status'), OLD_STATUSES)
        batch_op.drop_column('reported_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('resends')
        batch_op.drop_column('member_id')
