"""study_records.shown_as: how a lesson was last given to the member

Revision ID: sh0wnas00001
Revises: 0utb0xby0p3n
Create Date: 2026-12-08 10:00:00

``source`` says how a lesson first reached a member (the study report counts by it) and stays;
``shown_as`` says how it was last given, so 下一课 after 学习 政策 goes on in 政策 even when the
lesson shown was first the day's lesson. Existing rows keep ``NULL``, read as ``source``.
"""
import sqlalchemy as sa
from alembic import op

revision = 'sh0wnas00001'
down_revision = '0utb0xby0p3n'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_as', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('study_records', schema=None) as batch_op:
        batch_op.drop_column('shown_as')
