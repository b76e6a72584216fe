"""outbox_attempts (every try at a send, with WeChat's errcode), outbox.reason

Revision ID: 4tt3mpts0001
Revises: stu4y0000001
Create Date: 2026-12-06 20:30:00

Each try at sending an outbox row is recorded before its call and answered after it
(models.delivery.attempts): the evidence a dispatcher killed mid-send is recovered by. A row
that ends failed, dropped or unknown carries a reason a branch secretary can read (outbox.reason).
ix_outbox_due: a dispatcher's claim walks the oldest due rows by index instead of sorting the
whole queue every turn.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '4tt3mpts0001'
down_revision = 'm4ss5end0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('errcode', sa.Integer(), nullable=True),
    sa.Column('meaning', sa.String(length=16), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_outbox_attempts_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attempts')),
    sa.UniqueConstraint('outbox_id', 'number', name=op.f('uq_outbox_attempts_outbox_id'))
    )
    with op.batch_alter_table('outbox_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attempts_outbox_id'), ['outbox_id'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.drop_column('reason')
    with op.batch_alter_table('outbox_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attempts_outbox_id'))
    op.drop_table('outbox_attempts')
