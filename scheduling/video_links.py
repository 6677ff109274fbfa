"""The video settings of a process (the Jitsi secret read from its file, once) and a booked
meeting's join link for one participant (``scheduling.video`` makes it).

Only the meeting's lawyer and the staff of its detention centre get a link; an investigator
or an auditor who may read the meeting does not. A cancelled meeting, or a room that is not a
video room, has none.
"""

from __future__ import annotations

from pathlib import Path

from app.accounts.models import User
from app.accounts.roles import Role
from app.settings import VideoSection
from scheduling.kinds import MeetingStatus, RoomKind
from scheduling.models import Meeting, Room
from scheduling.video import VideoCall, VideoConfig, VideoLink, join_link


def read_secret(path: Path) -> str:
    """The shared HS256 secret: the file's first line, without surrounding spaces."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"video.jitsi_secret_file cannot be read: {path}") from exc
    lines = text.strip().splitlines()
    return lines[0].strip() if lines else ""


def video_config(section: VideoSection) -> VideoConfig:
    """The ``[video]`` section as a config; the secret file is read only for Jitsi."""
    needs_secret = section.provider == "jitsi" and str(section.jitsi_secret_file) not in ("", ".")
    secret = read_secret(section.jitsi_secret_file) if needs_secret else ""
    return VideoConfig.of(section, secret)


def is_video(room: Room) -> bool:
    return room.kind == RoomKind.VIDEO_LINK


def link_for(
    meeting: Meeting, room: Room, participant: str, config: VideoConfig
) -> VideoLink | None:
    """The link of an active meeting in a video room, made for ``participant`` (a name)."""
    if not is_video(room) or meeting.status != MeetingStatus.ACTIVE:
        return None
    call = VideoCall(meeting.video_room, room.video_address, meeting.starts_at, meeting.ends_at)
    return join_link(config, call, participant)


def may_join(user: User, meeting: Meeting, room: Room) -> bool:
    """The meeting's own lawyer, or staff of the centre that holds it."""
    if user.role == Role.LAWYER:
        return user.id == meeting.lawyer_id
    return user.role == Role.DETENTION_STAFF and user.facility_id == room.facility_id


async def link_of(meeting: Meeting, user: User, config: VideoConfig) -> VideoLink | None:
    """``user``'s own link to ``meeting``, or None (not a participant, not a video meeting,
    cancelled, or no link yet)."""
    room = await Room.get(id=meeting.room_id)
    if not may_join(user, meeting, room):
        return None
    return link_for(meeting, room, user.display_name, config)
