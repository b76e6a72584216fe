"""Signals one part of the bot sends and others may listen to (blinker, as Flask's own)."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent by the webhook once a message's handling is committed (its deliveries queued, deferred
#: ones released). Sender: the :class:`bot.runtime.Runtime`; keyword ``incoming``. The
#: in-process dispatcher listens so those deliveries go out at once instead of at the next poll.
inbound_answered = _signals.signal("inbound-answered")
