"""Remote (video) meetings: the join link of one meeting for one participant.

Pure: no database, no files, no clock. A provider is chosen from the settings (``[video]``):

- ``fixed``: each video room has its own address (web or SIP), set on the facility page
  (``Room.video_address``); everyone joins by it, and the window is only told, not enforced;
- ``jitsi``: a self-hosted Jitsi Meet with token authentication. Each meeting has a room name
  nobody can guess (``new_room_name``), and each participant a signed HS256 JWT valid only in
  the meeting's window: from ``join_early_minutes`` before the start until the end.

The detainee's identity is never in a link: the room name is random, and a token names only
the participant it is made for (the lawyer or a member of the centre's staff).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal, Protocol
from urllib.parse import quote, urlsplit

import jwt

from app.settings import VideoSection

Provider = Literal["fixed", "jitsi"]
JITSI_AUDIENCE: Final = "jitsi"
ROOM_NAME_BYTES: Final = 20  # 160 random bits


@dataclass(frozen=True)
class VideoLink:
    """Where to join and when the link works (opens_at until closes_at)."""

    url: str
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class VideoCall:
    """What a link needs to know about one video meeting; never who is detained."""

    room_name: str  # the meeting's Jitsi room ("" while none was given)
    address: str  # the video room's fixed address ("" while none is set)
    starts_at: datetime  # aware
    ends_at: datetime  # aware


@dataclass(frozen=True)
class VideoConfig:
    """The ``[video]`` settings with the Jitsi secret read (``scheduling.video_links``)."""

    provider: Provider = "fixed"
    jitsi_url: str = ""
    jitsi_app_id: str = ""
    jitsi_secret: str = field(default="", repr=False)
    join_early: timedelta = timedelta(minutes=10)

    @classmethod
    def of(cls, section: VideoSection, secret: str = "") -> VideoConfig:
        """The settings as a config; a Jitsi provider needs its address, issuer and secret."""
        config = cls(
            provider=section.provider,
            jitsi_url=section.jitsi_url.strip().rstrip("/"),
            jitsi_app_id=section.jitsi_app_id.strip(),
            jitsi_secret=secret,
            join_early=timedelta(minutes=section.join_early_minutes),
        )
        if config.provider == "jitsi":
            missing = [
                name
                for name, value in (
                    ("video.jitsi_url", config.jitsi_url),
                    ("video.jitsi_app_id", config.jitsi_app_id),
                    ("video.jitsi_secret_file", config.jitsi_secret),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"the jitsi video provider needs {', '.join(missing)}")
            if urlsplit(config.jitsi_url).scheme != "https" or not jitsi_host(config.jitsi_url):
                raise ValueError("video.jitsi_url must be an https address")
        return config


class VideoProvider(Protocol):
    def link(self, call: VideoCall, participant: str) -> VideoLink | None:
        """The participant's join link, or None while the meeting has none yet."""


def window(call: VideoCall, join_early: timedelta) -> tuple[datetime, datetime]:
    """When a link works: from ``join_early`` before the start until the end."""
    return call.starts_at - join_early, call.ends_at


@dataclass(frozen=True)
class FixedLinks:
    """Every participant joins by the video room's own address."""

    join_early: timedelta

    def link(self, call: VideoCall, participant: str) -> VideoLink | None:
        if not call.address:
            return None  # the centre has not given this room an address yet
        opens, closes = window(call, self.join_early)
        return VideoLink(call.address, opens, closes)


@dataclass(frozen=True)
class JitsiMeet:
    """A self-hosted Jitsi Meet: a random room per meeting, a signed token per participant."""

    base_url: str  # "https://meet.example.gov.cn", no trailing slash
    app_id: str
    secret: str = field(repr=False)
    join_early: timedelta

    def token(self, call: VideoCall, participant: str) -> str:
        """An HS256 JWT for one participant, valid only in the meeting's window."""
        opens, closes = window(call, self.join_early)
        claims = {
            "aud": JITSI_AUDIENCE,
            "iss": self.app_id,
            "sub": jitsi_host(self.base_url),
            "room": call.room_name,
            "nbf": int(opens.timestamp()),
            "exp": int(closes.timestamp()),
            "context": {"user": {"name": participant}},
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def link(self, call: VideoCall, participant: str) -> VideoLink | None:
        if not call.room_name:
            return None  # no room name given at booking: no link yet
        opens, closes = window(call, self.join_early)
        url = f"{self.base_url}/{quote(call.room_name)}?jwt={self.token(call, participant)}"
        return VideoLink(url, opens, closes)


def jitsi_host(url: str) -> str:
    """The Jitsi deployment's host name: the tokens' ``sub``."""
    return urlsplit(url).hostname or ""


def provider_of(config: VideoConfig) -> VideoProvider:
    if config.provider == "jitsi":
        return JitsiMeet(config.jitsi_url, config.jitsi_app_id, config.jitsi_secret,
                         config.join_early)  # fmt: skip
    return FixedLinks(config.join_early)


def join_link(config: VideoConfig, call: VideoCall, participant: str) -> VideoLink | None:
    """The participant's (a lawyer's or a staff member's) link to the meeting, or None."""
    return provider_of(config).link(call, participant)


def new_room_name() -> str:
    """A Jitsi room name nobody can guess: 160 random bits, lower-case base32 (Jitsi treats
    room names case-insensitively), and nothing about the meeting or the detainee."""
    raw = base64.b32encode(secrets.token_bytes(ROOM_NAME_BYTES)).decode("ascii")
    return raw.rstrip("=").lower()


def valid_address(address: str) -> bool:
    """A fixed video address: an http(s) address with a host, or a SIP URI (sip:/sips:)."""
    address = address.strip()
    if not address or any(c.isspace() for c in address) or len(address) > 300:
        return False
    parts = urlsplit(address)
    if parts.scheme in ("http", "https"):
        return bool(parts.hostname)
    if parts.scheme in ("sip", "sips"):
        user, _at, host = parts.path.rpartition("@")
        return bool(host) and "/" not in parts.path and (user != "" or "@" not in parts.path)
    return False
