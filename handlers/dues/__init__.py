"""党费 (dues): what is paid, what is owed, the monthly standard and how to pay (``党费``,
``党费交了没``, ``我还欠多少党费``, ``党费怎么交``); and a member's word that they paid (``我交了``,
``党费交了 3月和4月``), recorded as pending until the branch secretary confirms it
(``handlers.dues_confirm``) or the next dues sheet does (``models.dues``)."""
from __future__ import annotations

from handlers.capability import Intent, Offer
from handlers.context import Context, Incoming
from handlers.dues.dialog import DIALOG, State
from handlers.dues.replies import answer, reported
from handlers.dues.vocabulary import VOCABULARY, says_paid
from handlers.nlu.policy import Routing
from handlers.replies import Reply, TextReply
from models.dues import standing

NAME = "dues"


def handle(msg: Incoming, ctx: Context) -> Reply:
    """A report when the member says they paid (asking which months when unclear), else the
    answer — after which a bare 交了 is a report too (dialog ``dues``)."""
    mine = standing(ctx.session, ctx.card.id, ctx.clock.now())
    if says_paid(msg.text):
        reply = reported(ctx, msg.text, mine)
        return TextReply(reply if reply is not None else DIALOG.start(ctx, msg.openid, State.WHICH_MONTHS, {}))
    if not mine.kept:
        return TextReply(answer(ctx, mine))
    return TextReply(DIALOG.start(ctx, msg.openid, State.ANSWERED, {}))


INTENT = Intent(name=NAME, usage="党费 —— 交了多少、怎么交",
                offer=Offer("了解党费怎么交", "党费"),
                public=False, vocabulary=VOCABULARY,
                routing=Routing(),
                handle=handle)
