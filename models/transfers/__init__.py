"""Transfer of organisational relationship (组织关系转接).

- ``request``: the entities — a member's ``TransferRequest`` (requested → done) and the
  ``TransferGuide`` noting the guide was sent once;
- ``guide``: the guide's text (rule, what to prepare, whom to contact) and who the daily job
  sends it to (away ``transfer.after_months`` or longer with a current city on file);
- ``requests``: recording a request, the secretary's notice, marking it done, the member told.
"""
from models.transfers.guide import (
    ASK_WORDS,
    GUIDE_PURPOSE,
    due_for_guide,
    guide_text,
    months_away,
    months_before,
    queue_guides,
)
from models.transfers.request import (
    STATUS_NAMES,
    TRANSFER_STATUSES,
    TransferGuide,
    TransferRequest,
)
from models.transfers.requests import (
    DONE_COMMAND,
    Requested,
    destination_of,
    latest_request,
    listed,
    mark_done,
    open_request,
    request_transfer,
    requests_named,
    secretary_org_ids,
    secretary_told,
)

__all__ = [
    "ASK_WORDS", "DONE_COMMAND", "GUIDE_PURPOSE", "STATUS_NAMES", "TRANSFER_STATUSES", "Requested",
    "TransferGuide", "TransferRequest", "destination_of", "due_for_guide", "guide_text", "latest_request",
    "listed", "mark_done", "months_away", "months_before", "open_request", "queue_guides",
    "request_transfer", "requests_named", "secretary_org_ids", "secretary_told",
]
