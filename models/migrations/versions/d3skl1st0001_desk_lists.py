"""desk_lists: the list of tickets a liaison was last shown

Revision ID: d3skl1st0001
Revises: p01ntsl3dg01
Create Date: 2026-12-07 09:00:00

One row per liaison (secretary, township contact): the ticket ids of the list they were last
shown (我的工单, or "which ticket is this for?"), in order, so "接单 2" reads the second line of
that list, not of the tickets open now (models.tickets.desk_list).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'd3skl1st0001'
down_revision = 'p01ntsl3dg01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('desk_lists',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('ticket_ids', sa.JSON(), nullable=False),
    sa.Column('shown_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_desk_lists_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_desk_lists'))
    )


def downgrade() -> None:
    op.drop_table('desk_lists')
