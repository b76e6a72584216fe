"""points_entries and activity_claims: the points ledger (积分) and volunteer activity claims;
study points move from study_records.points into the ledger

Revision ID: p01ntsl3dg01
Revises: l1a1s0ns0001
Create Date: 2026-12-06 23:40:00

A ledger entry per member, rule and source record (unique: one source earns a member once per
rule), with who approved it; a balance is a sum. Each study record's points (a lesson's first
opening) become a ``study`` entry whose source is the lesson, dated at that opening, and the
column goes: the ledger is the one place points are kept. Downgrading puts them back on the
records (entries of other rules are lost with the ledger).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'p01ntsl3dg01'
down_revision = 'l1a1s0ns0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('points_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('source_kind', sa.String(length=32), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['members.id'], name=op.f('fk_points_entries_approved_by_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_points_entries_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entries')),
    sa.UniqueConstraint('member_id', 'rule', 'source_kind', 'source_id', name='uq_points_entries_source')
    )
    op.create_index('ix_points_entries_member_rule_at', 'points_entries', ['member_id', 'rule', 'created_at'],
                    unique=False)
    op.create_table('activity_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_activity_claims_status')),
    sa.ForeignKeyConstraint(['decided_by'], ['members.id'], name=op.f('fk_activity_claims_decided_by_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_activity_claims_member_id_members')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['members.id'], name=op.f('fk_activity_claims_reviewer_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_claims')),
    sa.UniqueConstraint('number', name=op.f('uq_activity_claims_number'))
    )
    op.create_index(op.f('ix_activity_claims_member_id'), 'activity_claims', ['member_id'], unique=False)
    op.execute("INSERT INTO points_entries (member_id, delta, rule, source_kind, source_id, created_at) "
               "SELECT member_id, points, 'study', 'lesson', lesson_id, opened_at FROM study_records "
               "WHERE points > 0 AND opened_at IS NOT NULL")
    # study_records is referenced by no other table: a batch rebuild on SQLite is safe.
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.drop_column('points')


def downgrade() -> None:
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.execute("UPDATE study_records SET points = coalesce((SELECT sum(delta) FROM points_entries e "
               "WHERE e.member_id = study_records.member_id AND e.rule = 'study' AND e.source_kind = 'lesson' "
               "AND e.source_id = study_records.lesson_id), 0)")
    op.drop_index(op.f('ix_activity_claims_member_id'), table_name='activity_claims')
    op.drop_table('activity_claims')
    op.drop_index('ix_points_entries_member_rule_at', table_name='points_entries')
    op.drop_table('points_entries')
