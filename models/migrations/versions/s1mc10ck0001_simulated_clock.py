"""simulated clock: the sandbox's clock offset and the moves asked of it

Revision ID: s1mc10ck0001
Revises: t1ck3tl1fe01
Create Date: 2026-12-06 17:49:24

``clock_offset`` (one row) is how far the sandbox's clock runs ahead of the wall clock;
``clock_moves`` queues ``POST /sandbox/clock`` for the scheduler's leader (models.simulated_time,
models.clock_moves). Both stay empty outside sandbox mode.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 's1mc10ck0001'
down_revision = 't1ck3tl1fe01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clock_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('advance_seconds', sa.Float(), nullable=True),
    sa.Column('target', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'running', 'done', 'refused', 'failed', 'abandoned')",
                       name=op.f('ck_clock_moves_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_moves'))
    )
    with op.batch_alter_table('clock_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clock_moves_status'), ['status'], unique=False)

    op.create_table('clock_offset',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('offset_seconds', sa.Float(), nullable=False),
    sa.Column('moved_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_clock_offset_one_row')),
    sa.CheckConstraint('offset_seconds >= 0', name=op.f('ck_clock_offset_forward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_offset'))
    )


def downgrade() -> None:
    op.drop_table('clock_offset')
    with op.batch_alter_table('clock_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clock_moves_status'))

    op.drop_table('clock_moves')
