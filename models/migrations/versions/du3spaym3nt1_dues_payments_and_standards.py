"""dues_payments and dues_standards: party dues (党费) by member and month

Revision ID: du3spaym3nt1
Revises: d3skl1st0001
Create Date: 2026-12-08 09:00:00

One row per member and month paid (confirmed) or reported paid by the member (pending), amounts
in fen; each member's monthly standard and the first month they owe here (models.dues).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'du3spaym3nt1'
down_revision = 'th0ughtrep01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dues_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_dues_payments_amount')),
    sa.CheckConstraint("status IN ('confirmed', 'pending')", name=op.f('ck_dues_payments_status')),
    sa.CheckConstraint("source IN ('import', 'secretary', 'member')", name=op.f('ck_dues_payments_source')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_dues_payments_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dues_payments')),
    sa.UniqueConstraint('member_id', 'period', name=op.f('uq_dues_payments_member_id'))
    )
    with op.batch_alter_table('dues_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dues_payments_member_id'), ['member_id'], unique=False)
    op.create_table('dues_standards',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('since', sa.String(length=7), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_dues_standards_amount')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_dues_standards_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_dues_standards'))
    )


def downgrade() -> None:
    op.drop_table('dues_standards')
    with op.batch_alter_table('dues_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dues_payments_member_id'))
    op.drop_table('dues_payments')
