"""tickets: holder, first response, escalation step, rating; more event and actor kinds

Revision ID: t1ck3td3sk01
Revises: 4tt3mpts0001
Create Date: 2026-12-06 23:10:00

The service chain's ticket desk: who holds a ticket now (``holder_id``, a member: the liaison it
was filed for, or whoever it was transferred to), when the member first heard back
(``first_response_at``, from the first answered/resolved event), the escalation step last told
(``escalation_level``) and the member's rating word and time. Events gain transferred, noted,
escalated and rated; actors gain secretary and township.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = 't1ck3td3sk01'
down_revision = '4tt3mpts0001'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('filed', 'claimed', 'answered', 'resolved', 'closed', 'reopened', 'added')"
NEW_KINDS = ("kind IN ('filed', 'claimed', 'answered', 'resolved', 'closed', 'reopened', 'added', "
             "'transferred', 'noted', 'escalated', 'rated')")
OLD_ACTORS = "actor_kind IN ('member', 'liaison', 'system')"
NEW_ACTORS = "actor_kind IN ('member', 'liaison', 'secretary', 'township', 'system')"


def upgrade() -> None:
    # Added in place, not by a batch copy of the table: on SQLite a batch rebuild drops tickets,
    # which ticket_events' foreign key refuses.
    if op.get_bind().dialect.name == 'sqlite':  # ADD COLUMN may carry its reference inline there
        op.execute("ALTER TABLE tickets ADD COLUMN holder_id INTEGER "
                   "CONSTRAINT fk_tickets_holder_id_members REFERENCES members (id)")
    else:
        op.add_column('tickets', sa.Column('holder_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_tickets_holder_id_members'), 'tickets', 'members', ['holder_id'], ['id'])
    op.add_column('tickets', sa.Column('first_response_at', models.base.UTCDateTime(timezone=True), nullable=True))
    op.add_column('tickets', sa.Column('escalation_level', sa.Integer(), server_default='0', nullable=False))
    op.add_column('tickets', sa.Column('rating_note', sa.Text(), nullable=True))
    op.add_column('tickets', sa.Column('rated_at', models.base.UTCDateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_tickets_holder_id'), 'tickets', ['holder_id'], unique=False)
    op.execute("UPDATE tickets SET holder_id = (SELECT member_id FROM liaisons WHERE liaisons.id = tickets.liaison_id)")
    op.execute("UPDATE tickets SET first_response_at = (SELECT min(at) FROM ticket_events WHERE "
               "ticket_events.ticket_id = tickets.id AND ticket_events.kind IN ('answered', 'resolved'))")
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ticket_events_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ticket_events_actor_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ticket_events_kind'), NEW_KINDS)
        batch_op.create_check_constraint(batch_op.f('ck_ticket_events_actor_kind'), NEW_ACTORS)


def downgrade() -> None:
    op.execute("DELETE FROM ticket_events WHERE kind IN ('transferred', 'noted', 'escalated', 'rated')")
    op.execute("UPDATE ticket_events SET actor_kind = 'liaison' WHERE actor_kind IN ('secretary', 'township')")
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ticket_events_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ticket_events_actor_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ticket_events_kind'), OLD_KINDS)
        batch_op.create_check_constraint(batch_op.f('ck_ticket_events_actor_kind'), OLD_ACTORS)
    op.drop_index(op.f('ix_tickets_holder_id'), table_name='tickets')
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops a column's inline reference with it
        op.drop_constraint(op.f('fk_tickets_holder_id_members'), 'tickets', type_='foreignkey')
    for column in ('rated_at', 'rating_note', 'escalation_level', 'first_response_at', 'holder_id'):
        op.drop_column('tickets', column)
