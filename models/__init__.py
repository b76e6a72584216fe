"""The domain: SQLAlchemy 2.0 entities and the operations on them, shared by chat, console and
scheduler. Importing this package registers every table on ``Base.metadata``."""
from models.base import Base
from models.bind_attempts import BindAttempt
from models.broadcasts.record import Broadcast
from models.clock_moves import ClockMove
from models.delivery.attempts import OutboxAttempt
from models.delivery.channels import ChannelPause
from models.delivery.mass import MassSend
from models.delivery.outbox import OutboxMessage
from models.dialog import DialogState
from models.dues import DuesPayment, DuesStandard
from models.follower import Follower
from models.inbound import InboundMessage
from models.lesson import Lesson, LessonTarget, StudyRecord
from models.liaison_contacts import LiaisonContact
from models.liaisons import LiaisonAssignment
from models.meetings import Attendance, Meeting
from models.member import Liaison, Member, MemberChange
from models.org import Organization
from models.points import ActivityClaim, PointsEntry
from models.reply_pages import ReplyPages
from models.scheduling import Lease, SchedulerJob
from models.simulated_time import ClockOffset
from models.stations import Station
from models.thought_reports import ThoughtReport
from models.tickets import DeskList, Ticket, TicketEvent
from models.token import SharedToken
from models.transfers import TransferGuide, TransferRequest
from models.verification.asks import VerificationAsk

__all__ = [
    "ActivityClaim", "Base", "BindAttempt", "Broadcast", "ChannelPause", "ClockMove", "ClockOffset", "DialogState", "DuesPayment", "DuesStandard", "Follower",
    "InboundMessage", "Lesson", "LessonTarget",
    "Liaison", "LiaisonAssignment", "LiaisonContact", "MassSend", "Member", "MemberChange", "Organization",
    "OutboxAttempt", "OutboxMessage", "Lease", "PointsEntry",
    "ReplyPages",
    "SchedulerJob", "Station",
    "SharedToken", "StudyRecord", "Ticket", "TicketEvent", "TransferGuide", "TransferRequest", "DeskList",
    "VerificationAsk",
    "ThoughtReport",
    "Attendance", "Meeting",
]
