"""liaison_assignments: every member's liaison history, current assignments backfilled

Revision ID: l1a1s0ns0001
Revises: c0ntactl0g01
Create Date: 2026-12-07 09:00:00

One row per stretch of time one red liaison looked after one member (models.liaisons.assignment);
at most one open row (until_at NULL) per member, a partial unique index on SQLite and
PostgreSQL. Every member who has a liaison now gets their open row, from the last recorded
change of their liaison (member_changes) or, without one, from when they joined the roster,
with source ``backfill``.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'l1a1s0ns0001'
down_revision = 'c0ntactl0g01'
branch_labels = None
depends_on = None

OPEN = sa.text("until_at IS NULL")


def upgrade() -> None:
    op.create_table('liaison_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('liaison_id', sa.Integer(), nullable=False),
    sa.Column('from_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('until_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint("source IN ('ledger', 'import', 'assign', 'console', 'backfill')",
                       name=op.f('ck_liaison_assignments_source')),
    sa.ForeignKeyConstraint(['liaison_id'], ['liaisons.id'], name=op.f('fk_liaison_assignments_liaison_id_liaisons')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_liaison_assignments_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_liaison_assignments'))
    )
    with op.batch_alter_table('liaison_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_liaison_assignments_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_assignments_liaison_id'), ['liaison_id'], unique=False)
        batch_op.create_index('uq_liaison_assignments_open_member', ['member_id'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)
    op.execute(
        "INSERT INTO liaison_assignments (member_id, liaison_id, from_at, source) "
        "SELECT members.id, members.liaison_id, COALESCE((SELECT max(member_changes.changed_at) FROM member_changes "
        "WHERE member_changes.member_id = members.id AND member_changes.field = 'liaison_id'), members.created_at), "
        "'backfill' FROM members WHERE members.liaison_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('liaison_assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_liaison_assignments_open_member')
        batch_op.drop_index(batch_op.f('ix_liaison_assignments_liaison_id'))
        batch_op.drop_index(batch_op.f('ix_liaison_assignments_member_id'))
    op.drop_table('liaison_assignments')
