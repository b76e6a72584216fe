"""ticket lifecycle: statuses new…reopened, urgency as a column, ticket_events

Revision ID: t1ck3tl1fe01
Revises: d3l1v3ry0001
Create Date: 2026-12-06 15:30:00

Statuses are renamed (open → new, replied → answered; escalated, which nothing set, → new).
A crisis ticket was known by its description's prefix 【情绪危机，请马上联系】: it becomes urgency
``crisis`` and the prefix leaves the description (the liaison's notice adds it back). Every
ticket gets its ``filed`` event, and a resolved one its ``resolved`` event by its liaison.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 't1ck3tl1fe01'
down_revision = 'd3l1v3ry0001'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('open', 'claimed', 'replied', 'resolved', 'escalated')"
NEW_STATUSES = "status IN ('new', 'claimed', 'answered', 'resolved', 'closed', 'reopened')"
URGENCIES = "urgency IN ('normal', 'urgent', 'crisis')"
FLAG = "【情绪危机，请马上联系】"


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tickets_status'), type_='check')
        batch_op.add_column(sa.Column('urgency', sa.String(length=8), nullable=False, server_default='normal'))
    op.execute("UPDATE tickets SET status = 'new' WHERE status IN ('open', 'escalated')")
    op.execute("UPDATE tickets SET status = 'answered' WHERE status = 'replied'")
    op.execute(sa.text("UPDATE tickets SET urgency = 'crisis', description = substr(description, :start) "
                       "WHERE description LIKE :flagged").bindparams(start=len(FLAG) + 1, flagged=FLAG + "%"))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('urgency', server_default=None)
        batch_op.create_check_constraint(batch_op.f('ck_tickets_status'), NEW_STATUSES)
        batch_op.create_check_constraint(batch_op.f('ck_tickets_urgency'), URGENCIES)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("actor_kind IN ('member', 'liaison', 'system')", name=op.f('ck_ticket_events_actor_kind')),
    sa.CheckConstraint("kind IN ('filed', 'claimed', 'answered', 'resolved', 'closed', 'reopened', 'added')",
                       name=op.f('ck_ticket_events_kind')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)
    op.execute("INSERT INTO ticket_events (ticket_id, kind, actor_kind, actor_id, at) "
               "SELECT id, 'filed', 'member', member_id, created_at FROM tickets ORDER BY id")
    op.execute("INSERT INTO ticket_events (ticket_id, kind, actor_kind, actor_id, at) "
               "SELECT tickets.id, 'resolved', 'liaison', liaisons.member_id, tickets.resolved_at "
               "FROM tickets JOIN liaisons ON liaisons.id = tickets.liaison_id "
               "WHERE tickets.status = 'resolved' AND tickets.resolved_at IS NOT NULL ORDER BY tickets.id")


def downgrade() -> None:
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))
    op.drop_table('ticket_events')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tickets_urgency'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tickets_status'), type_='check')
    op.execute(sa.text("UPDATE tickets SET description = :flag || description WHERE urgency = 'crisis'")
               .bindparams(flag=FLAG))
    op.execute("UPDATE tickets SET status = 'open' WHERE status IN ('new', 'reopened')")
    op.execute("UPDATE tickets SET status = 'replied' WHERE status = 'answered'")
    op.execute("UPDATE tickets SET status = 'resolved' WHERE status = 'closed'")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('urgency')
        batch_op.create_check_constraint(batch_op.f('ck_tickets_status'), OLD_STATUSES)
