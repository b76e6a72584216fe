"""Verification rounds (定期核查): members away from home are asked, on a schedule, to confirm the
info the branch has on file, and whoever does not answer is put on their liaison's list.

``asks`` holds one ``VerificationAsk`` per question asked and how it ended; ``freshness`` says
when a member's info was last verified and who is due; ``rounds`` is the daily job's work (close
the asks whose reply window ended, then ask whoever is due); ``lists`` writes each liaison's list
of members who did not confirm; ``report`` counts a period's asks per branch. The conversation
side — reading an answer — is ``handlers.verification``.
"""
