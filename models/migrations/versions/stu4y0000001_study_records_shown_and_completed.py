"""study_records.shown_at and completed_at: where a member is in their lessons, and 我学完了

Revision ID: stu4y0000001
Revises: r34d1ngs0001
Create Date: 2026-12-06 20:30:00

``completed_at`` is when the member said they finished the lesson (我学完了); ``shown_at`` the last
time the lesson was put in front of them (delivered, or opened again by 上一课 / 往期), so chat
knows which lesson 我学完了 and 上一课 are about. Existing rows were last shown when delivered.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'stu4y0000001'
down_revision = 'r34d1ngs0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('completed_at', models.base.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE study_records SET shown_at = delivered_at")


def downgrade() -> None:
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.drop_column('completed_at')
        batch_op.drop_column('shown_at')
