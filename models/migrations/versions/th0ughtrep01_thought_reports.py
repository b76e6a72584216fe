"""thought_reports: members' thought reports (思想汇报) and their acknowledgement

Revision ID: th0ughtrep01
Revises: d3skl1st0001
Create Date: 2026-12-08 09:00:00

One row per report handed in by chat: its number (S + Beijing date + sequence), the member, the
text, the Beijing quarter it counts for, the secretary it was sent to, and who acknowledged it
(阅), when, with what comment. Members and others are referenced, none altered.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'th0ughtrep01'
down_revision = 'stat10ns0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('thought_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('submitted_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['members.id'],
                            name=op.f('fk_thought_reports_acknowledged_by_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_thought_reports_member_id_members')),
    sa.ForeignKeyConstraint(['reader_id'], ['members.id'], name=op.f('fk_thought_reports_reader_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thought_reports')),
    sa.UniqueConstraint('number', name=op.f('uq_thought_reports_number'))
    )
    op.create_index('ix_thought_reports_member_period', 'thought_reports', ['member_id', 'period'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_thought_reports_member_period', table_name='thought_reports')
    op.drop_table('thought_reports')
