"""mass send (群发) batches: mass_sends, outbox.mass_send_id

Revision ID: m4ss5end0001
Revises: br0adc4st001
Create Date: 2026-12-06 20:30:00

One row per mass send (models.delivery.mass): its clientmsgid (written before the first call,
so a retry is never a second send), status, WeChat's msg_id and the MASSSENDJOBFINISH report's
counts; each outbox row sent by mass points at its batch.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'm4ss5end0001'
down_revision = 'br0adc4st001'  # main's head when merged (was r0l3sph0ne01)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mass_sends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clientmsgid', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('msg_id', sa.BigInteger(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('claimed_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finish_status', sa.String(length=32), nullable=True),
    sa.Column('total_count', sa.Integer(), nullable=True),
    sa.Column('filter_count', sa.Integer(), nullable=True),
    sa.Column('sent_count', sa.Integer(), nullable=True),
    sa.Column('error_count', sa.Integer(), nullable=True),
    sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'unknown', 'failed')",
                       name=op.f('ck_mass_sends_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mass_sends')),
    sa.UniqueConstraint('clientmsgid', name=op.f('uq_mass_sends_clientmsgid'))
    )
    with op.batch_alter_table('mass_sends', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mass_sends_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_mass_sends_msg_id'), ['msg_id'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mass_send_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_mass_send_id'), ['mass_send_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_mass_send_id_mass_sends'), 'mass_sends',
                                    ['mass_send_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_mass_send_id_mass_sends'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_mass_send_id'))
        batch_op.drop_column('mass_send_id')
    with op.batch_alter_table('mass_sends', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mass_sends_msg_id'))
        batch_op.drop_index(batch_op.f('ix_mass_sends_status'))
    op.drop_table('mass_sends')
