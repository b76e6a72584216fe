"""transfer_requests and transfer_guides: 组织关系转接 (issue 10 item 8)

Revision ID: tr4nsf3r0001
Revises: s1mc10ck0001
Create Date: 2026-12-06 18:10:00

A member's request to move their membership (requested → done, with who marked it done and
when), and the note that the transfer guide was sent to a member once.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'tr4nsf3r0001'
down_revision = 's1mc10ck0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('transfer_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('destination', sa.String(length=100), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'done')", name=op.f('ck_transfer_requests_status')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_transfer_requests_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_requests'))
    )
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_requests_member_id'), ['member_id'], unique=False)
    op.create_table('transfer_guides',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_transfer_guides_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_transfer_guides'))
    )


def downgrade() -> None:
    op.drop_table('transfer_guides')
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_requests_member_id'))
    op.drop_table('transfer_requests')
