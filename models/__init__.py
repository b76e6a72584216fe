"""The domain: SQLAlchemy 2.0 entities and the operations on them, shared by chat, console and
scheduler. Importing this package registers every table on ``Base.metadata``."""
from models.base import Base
from models.dialog import DialogState
from models.follower import Follower
from models.inbound import InboundMessage
from models.lesson import Lesson, StudyRecord
from models.member import Liaison, Member, MemberChange
from models.org import Organization
from models.outbox import OutboxMessage
from models.station import Station
from models.ticket import Ticket

__all__ = [
    "Base", "DialogState", "Follower", "InboundMessage", "Lesson", "Liaison", "Member",
    "MemberChange", "Organization", "OutboxMessage", "Station", "StudyRecord", "Ticket",
]
