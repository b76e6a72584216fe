"""verification rounds: verification_asks

Revision ID: v3r1fyasks01
Revises: t1ck3tl1fe01
Create Date: 2026-12-08 10:00:00

One row per member asked to confirm their info (models.verification.asks); at most one open ask
(outcome NULL) per member, a partial unique index on both SQLite and PostgreSQL.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'v3r1fyasks01'
down_revision = 'tr4nsf3r0001'
branch_labels = None
depends_on = None

OPEN = sa.text("outcome IS NULL")


def upgrade() -> None:
    op.create_table('verification_asks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('delivered_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('answered_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('confirmed', 'corrected', 'unanswered')",
                       name=op.f('ck_verification_asks_outcome')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_verification_asks_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_asks'))
    )
    with op.batch_alter_table('verification_asks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_asks_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_asks_asked_at'), ['asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_asks_due_on'), ['due_on'], unique=False)
        batch_op.create_index('uq_verification_asks_open_member', ['member_id'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('verification_asks', schema=None) as batch_op:
        batch_op.drop_index('uq_verification_asks_open_member')
        batch_op.drop_index(batch_op.f('ix_verification_asks_due_on'))
        batch_op.drop_index(batch_op.f('ix_verification_asks_asked_at'))
        batch_op.drop_index(batch_op.f('ix_verification_asks_member_id'))
    op.drop_table('verification_asks')
