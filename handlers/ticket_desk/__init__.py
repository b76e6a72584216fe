"""The help desk in WeChat (issue 12): red liaisons, branch secretaries and township contacts
work the tickets in their reach (``models.tickets.scope``) by chat.

Role commands (``handlers.commands``; registered in ``handlers.registry.COMMANDS``, listed by
帮助 to those roles):

- 我的工单 (also 待办, 我手上还有哪些没办完的 …): the open tickets in reach, oldest first;
- 接单 N: claim; 回复 N 文字: passed on to the member; 办结 N 小结: settled, the member told;
- 转 N 姓名: handed to another liaison of the branch or its secretary (书记);
- 备注 N 文字: an internal note, never shown to the member.

N is a ticket number (Q20261129001, or 20261129001) or a position in the list last shown to
the sender (``handlers.ticket_desk.syntax``). The engine stage :func:`answers_without_number`
and its dialog :data:`WHICH` take a liaison's answers written without a number.
"""
from __future__ import annotations

from handlers.commands import Command
from handlers.ticket_desk import actions, listing, syntax
from handlers.ticket_desk.unnumbered import DESK_ROLES, WHICH, answers_without_number

MY_TICKETS = Command(name="my_tickets", syntax=syntax.MY_TICKETS, roles=DESK_ROLES, handle=listing.my_tickets,
                     usage="我的工单 —— 您能处理的未办结求助，最早的在前")
CLAIM = Command(name="ticket_claim", syntax=syntax.CLAIM, roles=DESK_ROLES, handle=actions.claim_ticket,
                usage="接单 序号 —— 接手一件求助（序号见“我的工单”，也可以写编号）")
REPLY = Command(name="ticket_reply", syntax=syntax.REPLY, roles=DESK_ROLES, handle=actions.reply_to_member,
                usage="回复 序号 内容 —— 转告党员")
RESOLVE = Command(name="ticket_resolve", syntax=syntax.RESOLVE, roles=DESK_ROLES, handle=actions.resolve,
                  usage="办结 序号 小结 —— 办结，并告诉党员")
HAND_OVER = Command(name="ticket_hand_over", syntax=syntax.HAND_OVER, roles=DESK_ROLES, handle=actions.hand_on,
                    usage="转 序号 姓名 —— 转给本支部别的联络员，或“转 序号 书记”")
NOTE = Command(name="ticket_note", syntax=syntax.NOTE, roles=DESK_ROLES, handle=actions.note_on,
               usage="备注 序号 内容 —— 内部备注，党员看不到")

# In the order they are tried, before the number-anywhere answer (handlers.liaison_answer).
COMMANDS = (MY_TICKETS, CLAIM, REPLY, RESOLVE, HAND_OVER, NOTE)

__all__ = ["COMMANDS", "DESK_ROLES", "WHICH", "answers_without_number"]
