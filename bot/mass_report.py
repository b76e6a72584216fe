"""The platform's report of a mass send (事件推送群发结果, ``MASSSENDJOBFINISH``) reaching the
webhook: not a member's message, so it is recorded on its batch and answered with nothing."""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from handlers.context import Incoming
from models.delivery.mass import record_finish

log = logging.getLogger(__name__)

# The event as wechatpy names it (lower-case, as parsed).
MASS_FINISHED = "masssendjobfinish"


def mass_finished(rt: Runtime, incoming: Incoming) -> str:
    """A mass send's report (wechatpy's ``MassSendJobFinishEvent`` in ``incoming.raw``):
    recorded on its batch (``models.delivery.mass.record_finish``). Returns the webhook's answer,
    empty (事件推送群发结果: no reply is expected). It comes from the platform, not from a
    member: no inbound row, no follower, no window. A retry of it records the same counts
    again."""
    report = incoming.raw
    try:
        with rt.session() as s:
            found = record_finish(s, report.id, report.status or "", report.total_count, report.filter_count,
                                  report.sent_count, report.error_count, rt.clock.now())
            s.commit()
    except SQLAlchemyError as exc:  # a report only counts; the batch's own status stands
        log.error("cannot record the mass-send report for msg_id %s: %s", report.id, type(exc).__name__)
        return ""
    if not found:
        log.info("mass-send report for msg_id %s, which kiteline did not send", report.id)
    return ""
