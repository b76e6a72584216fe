"""Help requests (求助) as tickets for the member's red liaison (1+N contact scheme).

- ``ticket``: the entity, its topics, statuses (``WAITING``, ``OPEN``) and urgencies;
- ``filing``: a member's request becomes a new ticket, a duplicate, or more of an open case;
- ``lifecycle``: the transition table (new → claimed → answered → resolved → closed, reopened);
- ``events``: every transition and addition, with who did it and when (``ticket_events``);
- ``answers``: a liaison's answer moves the ticket and reaches the member;
- ``notices``: what the liaison and the member are sent through the outbox;
- ``ratings``: the member's satisfaction rating of a resolved ticket closes or reopens it;
- ``tickets``: finding tickets;
- ``sla``: when a ticket's first answer and settling are due (working hours, by urgency);
- ``routing``: who has a new ticket in hand — the liaison, else the secretary or township contact;
- ``escalation``: a late ticket going up ``liaison.escalation_chain``, each step told once;
- ``chain_notices``: what the people up the chain read;
- ``report``: ``kiteline report tickets``, per branch;
- ``scope``: who may work which tickets (a liaison their branch's, a secretary the branches they
  head, a township contact the township's), and in which role;
- ``desk``: claiming (接单) and internal notes (备注); ``handover``: 转 to a colleague;
- ``desk_list``: the list of tickets a liaison was last shown, which "接单 2" counts in.
"""
from models.tickets.answers import record_liaison_answer
from models.tickets.desk import SETTLED, Claim, claim, note
from models.tickets.desk_list import DeskList, has_list, listed_ticket_id, remember_list
from models.tickets.escalation import escalate_batch, late
from models.tickets.events import (
    ACTOR_KINDS,
    EVENT_KINDS,
    Actor,
    TicketEvent,
    history,
)
from models.tickets.filing import (
    Filed,
    Outcome,
    add_to_ticket,
    file_help_request,
    open_ticket,
)
from models.tickets.handover import Colleague, colleagues, hand_over, named
from models.tickets.lifecycle import TRANSITIONS, TransitionRefused, transition
from models.tickets.notices import (
    NOTICE_MAX_BYTES,
    TITLES,
    as_the_liaison_reads,
    notify_waiting_tickets,
    refreshed_liaison_notice,
)
from models.tickets.ratings import (
    Rated,
    awaiting_rating,
    close_unrated,
    last_rated,
    rate,
)
from models.tickets.routing import (
    STANDIN_PURPOSE,
    STEP_TITLES,
    Holder,
    holder_for,
    refreshed_standin_notice,
)
from models.tickets.scope import (
    Reach,
    held_open,
    open_in_reach,
    reach_of,
    ticket_numbered,
)
from models.tickets.sla import Sla, WorkingTime
from models.tickets.ticket import (
    HELP_TOPICS,
    OPEN,
    TICKET_STATUSES,
    TOPIC_NAMES,
    URGENCIES,
    WAITING,
    Ticket,
)
from models.tickets.tickets import liaison_for, liaisons_ticket, members_ticket

__all__ = [
    "ACTOR_KINDS", "EVENT_KINDS", "HELP_TOPICS", "NOTICE_MAX_BYTES", "OPEN", "SETTLED", "STANDIN_PURPOSE",
    "STEP_TITLES", "TICKET_STATUSES", "TITLES", "TOPIC_NAMES", "TRANSITIONS", "URGENCIES", "WAITING", "Actor",
    "Claim", "Colleague", "DeskList", "Filed", "Holder", "Outcome", "Rated", "Reach", "Sla", "Ticket",
    "TicketEvent", "TransitionRefused", "WorkingTime", "add_to_ticket", "as_the_liaison_reads", "awaiting_rating",
    "claim", "close_unrated", "colleagues", "escalate_batch", "file_help_request", "hand_over", "has_list",
    "held_open", "history", "holder_for", "last_rated", "late", "liaison_for", "liaisons_ticket",
    "listed_ticket_id", "members_ticket", "named", "note", "notify_waiting_tickets", "open_in_reach",
    "open_ticket", "rate", "reach_of", "record_liaison_answer", "refreshed_liaison_notice",
    "refreshed_standin_notice", "remember_list", "ticket_numbered", "transition",
]
