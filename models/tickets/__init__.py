"""Help requests (求助) as tickets for the member's red liaison."""
from models.tickets.ticket import HELP_TOPICS, TICKET_STATUSES, TOPIC_NAMES, Ticket
from models.tickets.tickets import (
    add_to_ticket,
    liaison_for,
    liaisons_ticket,
    members_ticket,
    notify_waiting_tickets,
    open_ticket,
    record_liaison_answer,
    waiting_crisis,
    waiting_duplicate,
    waiting_same_matter,
)

__all__ = [
    "HELP_TOPICS", "TICKET_STATUSES", "TOPIC_NAMES", "Ticket", "add_to_ticket", "liaison_for",
    "liaisons_ticket", "members_ticket", "notify_waiting_tickets", "open_ticket",
    "record_liaison_answer", "waiting_crisis", "waiting_duplicate", "waiting_same_matter",
]
