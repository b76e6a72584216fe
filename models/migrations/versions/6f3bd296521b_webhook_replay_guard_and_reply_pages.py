"""Webhook replay guard (inbound_messages.query_key, body_hash) and paged replies (reply_pages).

Revision ID: 6f3bd296521b
Revises: 604493a231a1
Create Date: 2026-12-06 11:48:25.512576
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '6f3bd296521b'
down_revision = '604493a231a1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reply_pages',
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.JSON(), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('openid', name=op.f('pk_reply_pages'))
    )
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('query_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('body_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_inbound_messages_query_key'), ['query_key'])



def downgrade() -> None:
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_inbound_messages_query_key'), type_='unique')
        batch_op.drop_column('body_hash')
        batch_op.drop_column('query_key')

    op.drop_table('reply_pages')
