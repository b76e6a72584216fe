"""Delivery: every message kiteline sends on its own, from the queue to WeChat and back.

A lesson push, a liaison's notice, an answer, a late reply, a digest: a domain operation queues
a typed payload for a purpose; a dispatcher claims due rows, picks the channel the member's
window allows, sends through a :class:`~models.delivery.sender.Sender`, settles the row by
what WeChat answered, and tells the domains that react (a pushed lesson becomes a study record
once WeChat accepts it). Modules:

- ``purposes``  why a message is sent, its guarantee (at most / at least once), template fallback
- ``payloads``  what it says: ``Text``, ``News``, ``LessonPush``, ``TemplateNotice``, checked when built
- ``queue``     ``enqueue``, ``release_deferred``, what is still on its way
- ``outbox``    the outbox table and its statuses
- ``window``    the customer-service window: 48 h / 5 after a message, 1 min / 3 after a click
- ``channels``  custom or template message now, or wait; paused channels (45009)
- ``errcodes``  WeChat's error codes by meaning
- ``sender``    the ``Sender`` protocol (``bot.wechat_api.KitelineClient`` implements it)
- ``dispatcher`` a batch of rows: choose, mark ``sending``, send, settle
- ``outcomes``  what an attempt leaves on a row: sent, retry (jittered back-off), deferred, unknown, failed
- ``attempts``  every try at a send and WeChat's answer (``outbox_attempts``): recovery's evidence
- ``reasons``   why a row did not arrive, in Chinese (``outbox.reason``)
- ``events``    settled rows as events; ``Reactions`` by payload type and outcome
- ``mass``      mass send (群发) batches, the 4-a-month quota, which rows go together
- ``mass_send`` a round's mass-send step: resume, form, send with a clientmsgid, settle
- ``pool``      a round: recovery, claims, worker threads, rate limits, leases
- ``ahead``     a round where a statement is a round trip (PostgreSQL): rows claimed ahead, started in one statement
- ``calls``     what both kinds of round share: the workers' calls, their answers, leases, the clock's offset
- ``claims``    claims, leases, recovery of dispatchers that died
- ``report``, ``digest``  what failed, in Chinese; the branch secretary's daily digest

The thread and the command that run rounds are ``bot.dispatcher``'s.
"""
