"""meetings and meeting_attendance: organisational life (组织生活)

Revision ID: m33t1ngs0001
Revises: stat10ns0001
Create Date: 2026-12-07 10:00:00

A branch's meetings (三会一课, 主题党日, 组织生活会: kind, title, start and check-in window,
place or link, 4-digit check-in code; one of a kind per branch and Beijing day) and each member's attendance at one —
checked in, or on leave with a reason — one row per member and meeting. New tables only.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'm33t1ngs0001'
down_revision = 'du3spaym3nt1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('starts_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('checkin_opens_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checkin_closes_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notice_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('branch_assembly', 'committee', 'group', 'lesson', 'theme_day', 'life_meeting')",
                       name=op.f('ck_meetings_kind')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_meetings_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('org_id', 'kind', 'held_on', name='uq_meetings_org_kind_day')
    )
    op.create_index('ix_meetings_code_starts_at', 'meetings', ['code', 'starts_at'], unique=False)
    op.create_index('ix_meetings_org_starts_at', 'meetings', ['org_id', 'starts_at'], unique=False)
    op.create_index('ix_meetings_checkin_closes_at', 'meetings', ['checkin_closes_at'], unique=False)
    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('checked_in_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('leave_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('leave_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('attended', 'leave')", name=op.f('ck_meeting_attendance_status')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meeting_attendance_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendance')),
    sa.UniqueConstraint('meeting_id', 'member_id', name='uq_meeting_attendance_meeting_member')
    )
    op.create_index('ix_meeting_attendance_member_id', 'meeting_attendance', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_meeting_attendance_member_id', table_name='meeting_attendance')
    op.drop_table('meeting_attendance')
    op.drop_index('ix_meetings_checkin_closes_at', table_name='meetings')
    op.drop_index('ix_meetings_org_starts_at', table_name='meetings')
    op.drop_index('ix_meetings_code_starts_at', table_name='meetings')
    op.drop_table('meetings')
