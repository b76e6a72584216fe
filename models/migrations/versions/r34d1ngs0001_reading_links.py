"""study_records: openings of reading links and the points they earned

Revision ID: r34d1ngs0001
Revises: l1br4ry00001
Create Date: 2026-12-06 20:30:00

A lesson's link goes through /r/<token> (models.reading): each opening is counted on the
member's study record (opens, the first and latest opening), and the first earns study points
(points.rules.study, at most points.daily_cap.study a day).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'r34d1ngs0001'
down_revision = 'l1br4ry00001'  # main's head when merged (was r0l3sph0ne01)
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_opened_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('opens', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('points', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.drop_column('points')
        batch_op.drop_column('opens')
        batch_op.drop_column('last_opened_at')
