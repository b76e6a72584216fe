"""broadcasts: one record per run of a lesson schedule; outbox rows name their broadcast and how
they were sent; lessons held back on request

Revision ID: br0adc4st001
Revises: r34d1ngs0001
Create Date: 2026-12-07 10:00:00
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'br0adc4st001'
down_revision = 'stu4y0000001'
branch_labels = None
depends_on = None

OLD_STATUSES = ("status IN ('pending', 'deferred', 'claimed', 'sending', 'sent', 'unknown', "
                "'failed', 'dropped')")
NEW_STATUSES = ("status IN ('pending', 'deferred', 'claimed', 'sending', 'sent', 'unknown', "
                "'failed', 'dropped', 'on_request')")
SENT_VIA = "sent_via IS NULL OR sent_via IN ('custom', 'template', 'mass', 'reply')"


def upgrade() -> None:
    op.create_table(
        'broadcasts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('schedule_id', sa.String(length=40), nullable=False),
        sa.Column('run_key', sa.String(length=80), nullable=False),
        sa.Column('run_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('audience', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('planned_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('planned', sa.Integer(), nullable=False),
        sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('planning', 'planned')", name=op.f('ck_broadcasts_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts')),
        sa.UniqueConstraint('run_key', name=op.f('uq_broadcasts_run_key')),
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcasts_schedule_id'), ['schedule_id'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('broadcast_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_via', sa.String(length=16), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_outbox_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_status'), NEW_STATUSES)
        batch_op.create_check_constraint(batch_op.f('ck_outbox_sent_via'), SENT_VIA)
        batch_op.create_index(batch_op.f('ix_outbox_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_broadcast_id_broadcasts'), 'broadcasts',
                                    ['broadcast_id'], ['id'])


def downgrade() -> None:
    # A lesson held back on request goes with the member's next message again.
    op.execute("UPDATE outbox SET status = 'deferred' WHERE status = 'on_request'")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_broadcast_id_broadcasts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_broadcast_id'))
        batch_op.drop_constraint(batch_op.f('ck_outbox_sent_via'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_status'), OLD_STATUSES)
        batch_op.drop_column('sent_via')
        batch_op.drop_column('broadcast_id')
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcasts_schedule_id'))
    op.drop_table('broadcasts')
