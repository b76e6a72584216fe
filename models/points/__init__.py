"""Points (积分): a ledger of entries per member, rule and source record; a balance is a sum.

- ``entry``: the ledger entry (``points_entries``: one source earns a member once per rule);
- ``ledger``: :func:`award` by the rules and caps of ``points`` in config, and what a member has;
- ``rules``: the rules in words and how each is earned;
- ``claim`` / ``claims``: volunteer activity claims (``H20261206001``), reviewed before they earn;
- ``reviewers``: who is sent a claim and who may decide it;
- ``notices``: the reviewer's and the member's notices through the outbox;
- ``report``: points per branch and rule (``kiteline report points``).

Study points are awarded by ``models.study_points``; meetings and thought reports call
:func:`award` with their own rule and source.
"""
from models.points.claim import CLAIM_STATUSES, ActivityClaim
from models.points.entry import PointsEntry
from models.points.ledger import Standing, award, standing

__all__ = ["CLAIM_STATUSES", "ActivityClaim", "PointsEntry", "Standing", "award", "standing"]
