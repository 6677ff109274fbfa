"""Video meeting links (scheduling.video): a Jitsi token per participant, signed and valid only
in the meeting's window, and the fixed address of a video room."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from app.settings import VideoSection
from scheduling.video import (
    FixedLinks,
    JitsiMeet,
    VideoCall,
    VideoConfig,
    join_link,
    new_room_name,
    valid_address,
)
from scheduling.video_links import read_secret, video_config

SECRET = "a-shared-secret-of-the-jitsi-deployment-0123456789"
EARLY = timedelta(minutes=10)
JITSI = JitsiMeet("https://meet.example.org", "lawmeet", SECRET, EARLY)


def _call(starts_in: timedelta, room: str = "room4abc", address: str = "") -> VideoCall:
    start = datetime.now(UTC).replace(microsecond=0) + starts_in
    return VideoCall(room, address, start, start + timedelta(hours=1))


def _decode(token: str, **options: Any) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token, SECRET, algorithms=["HS256"], audience="jitsi", issuer="lawmeet", **options
    )
    return claims


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["jwt"][0]


def test_a_jitsi_token_verifies_with_the_secret_audience_issuer_and_room() -> None:
    call = _call(timedelta(minutes=-5))  # under way: inside its window
    claims = _decode(JITSI.token(call, "张律师"))
    assert claims["room"] == "room4abc"
    assert claims["sub"] == "meet.example.org"
    assert claims["context"] == {"user": {"name": "张律师"}}


def test_a_jitsi_token_opens_join_early_minutes_before_the_start_and_closes_at_the_end() -> None:
    call = _call(timedelta(hours=2))
    claims = _decode(JITSI.token(call, "张律师"), options={"verify_nbf": False})
    assert claims["nbf"] == int((call.starts_at - EARLY).timestamp())
    assert claims["exp"] == int(call.ends_at.timestamp())


def test_a_jitsi_token_is_refused_before_its_window_opens() -> None:
    call = _call(timedelta(minutes=60))  # opens in 50 minutes
    token = JITSI.token(call, "张律师")
    with pytest.raises(jwt.ImmatureSignatureError):
        _decode(token)
    with pytest.raises(jwt.ImmatureSignatureError):
        _decode(token, leeway=timedelta(minutes=49))
    assert _decode(token, leeway=timedelta(minutes=51))["room"] == "room4abc"


def test_a_jitsi_token_is_refused_after_the_meeting_ends() -> None:
    call = _call(timedelta(hours=-2))  # ended an hour ago
    token = JITSI.token(call, "张律师")
    with pytest.raises(jwt.ExpiredSignatureError):
        _decode(token)
    with pytest.raises(jwt.ExpiredSignatureError):
        _decode(token, leeway=timedelta(minutes=59))
    assert _decode(token, leeway=timedelta(minutes=61))["room"] == "room4abc"


def test_a_jitsi_token_signed_with_another_secret_is_refused() -> None:
    forged = JitsiMeet("https://meet.example.org", "lawmeet", "another-secret-" * 3, EARLY)
    with pytest.raises(jwt.InvalidSignatureError):
        _decode(forged.token(_call(timedelta(0)), "张律师"))


def test_a_jitsi_token_for_another_audience_or_issuer_is_refused() -> None:
    token = JITSI.token(_call(timedelta(0)), "张律师")
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="other", issuer="lawmeet")
    with pytest.raises(jwt.InvalidIssuerError):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi", issuer="other")


def test_the_jitsi_link_is_the_host_the_room_and_the_participants_token() -> None:
    call = _call(timedelta(0))
    link = JITSI.link(call, "海淀看守所值班民警")
    assert link is not None
    parts = urlsplit(link.url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "meet.example.org", "/room4abc")
    assert _decode(_token(link.url))["context"]["user"]["name"] == "海淀看守所值班民警"
    assert (link.opens_at, link.closes_at) == (call.starts_at - EARLY, call.ends_at)


def test_a_jitsi_meeting_without_a_room_name_has_no_link_yet() -> None:
    assert JITSI.link(_call(timedelta(0), room=""), "张律师") is None


def test_a_fixed_link_is_the_video_rooms_address_with_the_window() -> None:
    call = _call(timedelta(hours=1), address="sip:lawyer-room@video.example.org")
    link = FixedLinks(EARLY).link(call, "张律师")
    assert link is not None
    assert link.url == "sip:lawyer-room@video.example.org"
    assert (link.opens_at, link.closes_at) == (call.starts_at - EARLY, call.ends_at)


def test_a_video_room_without_a_fixed_address_has_no_link() -> None:
    assert FixedLinks(EARLY).link(_call(timedelta(0)), "张律师") is None


def test_the_provider_is_chosen_from_the_settings() -> None:
    call = _call(timedelta(0), address="https://video.example.org/room")
    fixed = join_link(VideoConfig(), call, "张律师")
    jitsi = VideoConfig("jitsi", "https://meet.example.org", "lawmeet", SECRET, EARLY)
    assert fixed is not None and fixed.url == "https://video.example.org/room"
    link = join_link(jitsi, call, "张律师")
    assert link is not None and link.url.startswith("https://meet.example.org/room4abc?jwt=")


def test_room_names_are_long_random_and_lower_case() -> None:
    names = {new_room_name() for _ in range(50)}
    assert len(names) == 50
    allowed = set(string.ascii_lowercase + "234567")
    assert all(len(name) == 32 and set(name) <= allowed for name in names)


def test_the_jitsi_provider_needs_its_address_issuer_and_secret() -> None:
    section = VideoSection(provider="jitsi", jitsi_url="https://meet.example.org")
    with pytest.raises(ValueError, match=r"jitsi_app_id, video\.jitsi_secret_file"):
        VideoConfig.of(section)


def test_the_jitsi_address_must_be_https() -> None:
    section = VideoSection(provider="jitsi", jitsi_url="http://meet.example.org",
                           jitsi_app_id="lawmeet")  # fmt: skip
    with pytest.raises(ValueError, match="https"):
        VideoConfig.of(section, SECRET)


def test_the_secret_is_the_first_line_of_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "jitsi.secret"
    secret.write_text(f"  {SECRET}  \n", encoding="utf-8")
    section = VideoSection(provider="jitsi", jitsi_url="https://meet.example.org/",
                           jitsi_app_id="lawmeet", jitsi_secret_file=secret)  # fmt: skip
    config = video_config(section)
    assert config.jitsi_secret == SECRET and config.jitsi_url == "https://meet.example.org"
    assert read_secret(secret) == SECRET


def test_the_fixed_provider_reads_no_secret_file() -> None:
    section = VideoSection(jitsi_secret_file=Path("/nonexistent/secret"))
    assert video_config(section) == VideoConfig()


@pytest.mark.parametrize(
    "address",
    ["https://video.example.org/room-1", "http://10.0.0.5:8080/r", "sip:room1@video.example.org",
     "sips:video.example.org"],
)  # fmt: skip
def test_a_web_or_sip_address_is_a_valid_fixed_address(address: str) -> None:
    assert valid_address(address)


@pytest.mark.parametrize(
    "address",
    ["", "video.example.org", "ftp://video.example.org", "https://", "javascript:alert(1)",
     "https://video.example.org/a room", "sip:", "sip:@video.example.org"],
)  # fmt: skip
def test_anything_else_is_not_a_fixed_address(address: str) -> None:
    assert not valid_address(address)
