"""regular contact: liaison_contacts

Revision ID: c0ntactl0g01
Revises: t1ck3td3sk01
Create Date: 2026-12-07 09:00:00

One row per time a red liaison got in touch with one of their members (models.liaison_contacts):
a phone call, a visit, a WeChat chat, or an answer to the member's message.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 'c0ntactl0g01'
down_revision = 't1ck3td3sk01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('liaison_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('by_member_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('phone', 'visit', 'wechat', 'reply')", name=op.f('ck_liaison_contacts_kind')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_liaison_contacts_member_id_members')),
    sa.ForeignKeyConstraint(['by_member_id'], ['members.id'],
                            name=op.f('fk_liaison_contacts_by_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_liaison_contacts'))
    )
    with op.batch_alter_table('liaison_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_liaison_contacts_member_at', ['member_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_contacts_by_member_id'), ['by_member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('liaison_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_liaison_contacts_by_member_id'))
        batch_op.drop_index('ix_liaison_contacts_member_at')
    op.drop_table('liaison_contacts')
