"""Broadcasts: scheduled lesson pushes, one record per run (``scheduler.lesson_schedules``).

A schedule's run is a :class:`~models.broadcasts.record.Broadcast` with one outbox row per member
of its audience, planned in bulk and idempotently; the dispatcher sends each row by the member's
window (``models.delivery``); lessons waiting for a member who writes are not released all at
once but one with the count, the rest on request. Modules:

- ``record``    the ``broadcasts`` table
- ``runs``      which run a job is (the cron time it was due), its key
- ``audience``  who a broadcast is for, one keyset page at a time (Core statements)
- ``content``   what each member of a page gets: next unread, a named list, the week's digest
- ``planning``  a run planned: the record, the pages, one bulk INSERT per page
- ``waiting``   lessons waiting for a member: released on their next message, or on request
- ``report``    what became of a broadcast, by channel and reason
"""
