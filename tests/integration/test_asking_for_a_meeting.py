"""Asking for a meeting is one domain command (scheduling.asking): the lawyer's form, the desk's
walk-in form, the API and ``lawmeet meeting ask`` build it, so each rule answers the same through
each of them, with the same field and the same words, and stores nothing when it refuses."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.cli import main
from app.settings import Settings
from notifications.wording import day_in_words
from scheduling.models import MeetingRequest, OpeningSession
from tests.integration.helpers import api_token, bearer, in_database, page_csrf, sign_in_as
from tests.integration.meeting_world import Place, make_party, make_place, meeting_day

ID_NUMBER = "110101199001011234"
# (what the lawyer sends, the field at fault, the message in English)
REFUSED: dict[str, tuple[dict[str, Any], str, str]] = {
    "M6: an assistant named without an id number": (
        {"assistant_name": "Li Zhuli"}, "assistant_id_number",
        "Give the assistant's name and licence or ID number, or neither.",
    ),
    "M6: an id number without the assistant's name": (
        {"assistant_id_number": ID_NUMBER}, "assistant_name",
        "Give the assistant's name and licence or ID number, or neither.",
    ),
    "an assistant's name longer than the register holds": (
        {"assistant_name": "李" * 101, "assistant_id_number": ID_NUMBER}, "assistant_name",
        "This text is too long.",
    ),
    "M2: only the desk records a walk-in": (
        {"walk_in": True}, "walk_in",
        "Only detention-centre staff record walk-ins and past request times.",
    ),
}  # fmt: skip


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place()


def _as_form(sent: dict[str, Any]) -> dict[str, str]:
    return {k: ("on" if v is True else str(v)) for k, v in sent.items()}


async def _through_the_page(client: AsyncClient, lawyer: User, engagement_id: int,
                            sent: dict[str, Any]) -> tuple[int, str]:  # fmt: skip
    await sign_in_as(client, lawyer)
    form = f"/clients/{engagement_id}/meetings/new"
    data = {"csrf_token": await page_csrf(client, form), "length_minutes": "60",
            "room_kind": "in_person", **_as_form(sent)}  # fmt: skip
    response = await client.post(form, data=data)
    return response.status_code, html.unescape(response.text)


async def _through_the_api(client: AsyncClient, lawyer: User, engagement_id: int,
                           sent: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # fmt: skip
    headers = {**bearer(await api_token(lawyer)), "Accept-Language": "en"}
    body = {"engagement_id": engagement_id, **sent}
    response = await client.post("/api/v1/meeting-requests", json=body, headers=headers)
    return response.status_code, response.json()


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_page_refuses_with_the_rules_words_and_stores_nothing(
    client: AsyncClient, place: Place, case: str
) -> None:
    sent, _field, words = REFUSED[case]
    party = await make_party(place)
    before = await MeetingRequest.all().count()
    status, page = await _through_the_page(client, party.lawyer, party.engagement.id, sent)
    assert status in (400, 422) and words in page
    assert await MeetingRequest.all().count() == before


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_api_refuses_with_the_same_field_and_words_and_stores_nothing(
    client: AsyncClient, place: Place, case: str
) -> None:
    sent, field, words = REFUSED[case]
    party = await make_party(place)
    before = await MeetingRequest.all().count()
    status, problem = await _through_the_api(client, party.lawyer, party.engagement.id, sent)
    assert status == 422
    assert problem["errors"][0] == {"field": field, "message": words}
    assert await MeetingRequest.all().count() == before


async def test_a_preferred_window_that_ends_before_it_starts_is_refused_at_its_row(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    window = {"window1_date": "2026-12-09", "window1_from": "15:00", "window1_to": "10:00"}
    status, page = await _through_the_page(client, party.lawyer, party.engagement.id, window)
    assert status == 422 and "has-error" in page
    assert 'id="e-request-window1">The window must end after it starts.' in page
    backwards = {"preferred_windows": [{"from": "2026-12-09T15:00:00+08:00",
                                        "to": "2026-12-09T10:00:00+08:00"}]}  # fmt: skip
    status, problem = await _through_the_api(client, party.lawyer, party.engagement.id, backwards)
    assert status == 422
    assert problem["errors"] == [
        {"field": "preferred_windows.0", "message": "The window must end after it starts."}
    ]
    assert await MeetingRequest.all().count() == 1  # the party's own, nothing new


async def test_a_preferred_window_in_the_past_is_refused_at_its_row(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    window = {"window1_date": "2026-01-01", "window1_from": "09:00", "window1_to": "10:00"}
    status, page = await _through_the_page(client, party.lawyer, party.engagement.id, window)
    assert status == 400
    assert 'id="e-request-window1">A preferred time must be in the future.' in page
    past = {"preferred_windows": [{"from": "2026-01-01T09:00:00+08:00",
                                   "to": "2026-01-01T10:00:00+08:00"}]}  # fmt: skip
    status, problem = await _through_the_api(client, party.lawyer, party.engagement.id, past)
    assert status == 422
    assert problem["errors"] == [
        {"field": "preferred_windows.0", "message": "A preferred time must be in the future."}
    ]
    assert await MeetingRequest.all().count() == 1  # the party's own, nothing new


async def test_the_same_request_is_accepted_through_the_page_and_the_api(
    client: AsyncClient, place: Place
) -> None:
    sent = {"assistant_name": "Li Zhuli", "assistant_id_number": ID_NUMBER}
    by_page, by_api = await make_party(place), await make_party(place)
    status, _page = await _through_the_page(client, by_page.lawyer, by_page.engagement.id, sent)
    assert status == 303
    status, body = await _through_the_api(client, by_api.lawyer, by_api.engagement.id, sent)
    assert status == 201 and body["assistant_name"] == "Li Zhuli"
    stored = await MeetingRequest.filter(assistant_name="Li Zhuli").order_by("id")
    assert [r.lawyer_id for r in stored] == [by_page.lawyer.id, by_api.lawyer.id]


# --- The same command from a terminal ----------------------------------------------------


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAWMEET_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", settings.app.secret_key)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))


def _as_arguments(sent: dict[str, Any]) -> list[str]:
    arguments: list[str] = []
    for name, value in sent.items():
        option = "--" + name.replace("_", "-")
        arguments += [option] if value is True else [option, str(value)]
    return arguments


def _party_in(settings: Settings) -> tuple[str, int]:
    async def make() -> tuple[str, int]:
        party = await make_party(await make_place())
        return party.lawyer.username, party.engagement.id

    return in_database(settings, make)


def _requests_in(settings: Settings) -> int:
    return in_database(settings, lambda: MeetingRequest.all().count())


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_command_line_refuses_with_the_same_field_and_words_and_stores_nothing(
    settings: Settings, cli_env: None, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    sent, field, words = REFUSED[case]
    lawyer, engagement_id = _party_in(settings)
    before = _requests_in(settings)
    asked = ["meeting", "ask", "--as", lawyer, "--engagement", str(engagement_id), "--lang", "en"]
    assert main([*asked, *_as_arguments(sent)]) == 2
    assert capsys.readouterr().err.strip() == f"lawmeet: {field}: {words}"
    assert _requests_in(settings) == before


def test_the_command_line_refuses_a_past_window_with_the_same_words(
    settings: Settings, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    lawyer, engagement_id = _party_in(settings)
    before = _requests_in(settings)
    asked = ["meeting", "ask", "--as", lawyer, "--engagement", str(engagement_id), "--lang", "en",
             "--window", "2026-01-01T09:00:00+08:00", "2026-01-01T10:00:00+08:00"]  # fmt: skip
    assert main(asked) == 2
    err = capsys.readouterr().err.strip()
    assert err == "lawmeet: preferred_windows.0: A preferred time must be in the future."
    assert _requests_in(settings) == before


def test_the_command_line_opens_the_same_request_as_the_page_and_the_api(
    settings: Settings, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    lawyer, engagement_id = _party_in(settings)
    asked = ["meeting", "ask", "--as", lawyer, "--engagement", str(engagement_id),
             "--assistant-name", "Li Zhuli", "--assistant-id-number", ID_NUMBER]  # fmt: skip
    assert main(asked) == 0
    assert capsys.readouterr().out.startswith("request ")

    async def stored() -> list[tuple[str, str]]:
        rows = await MeetingRequest.filter(assistant_name="Li Zhuli").select_related("lawyer")
        return [(r.lawyer.username, r.assistant_id_number) for r in rows]

    assert in_database(settings, stored) == [(lawyer, ID_NUMBER)]


def test_the_command_line_answers_in_chinese_by_default(
    settings: Settings, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    lawyer, engagement_id = _party_in(settings)
    asked = ["meeting", "ask", "--as", lawyer, "--engagement", str(engagement_id), "--walk-in"]
    assert main(asked) == 2
    error = capsys.readouterr().err
    assert error.startswith("lawmeet: walk_in: ") and "看守所" in error


# --- A preferred time outside the centre's opening hours ----------------------------------
# make_place opens every day 08:00-18:00 Beijing time. Only a window that meets none of the
# day's hours is refused; one that overlaps them is the centre's to fit.


def _outside(day: date) -> str:
    return (
        "The centre does not receive lawyers at that time: "
        f"on {day_in_words(day, 'en')} it is open 08:00–18:00."
    )


async def test_a_window_wholly_outside_the_opening_hours_is_refused_with_the_hours(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    day = meeting_day()
    window = {"window1_date": str(day), "window1_from": "19:00", "window1_to": "20:00",
              "window2_date": str(day), "window2_from": "09:00", "window2_to": "10:00"}  # fmt: skip
    status, page = await _through_the_page(client, party.lawyer, party.engagement.id, window)
    assert status == 400
    assert f'id="e-request-window1">{_outside(day)}<' in page
    assert 'id="e-request-window2"' not in page
    assert f'value="{day.isoformat()}"' in page and 'value="19:00"' in page
    evening = {"preferred_windows": [
        {"from": f"{day}T09:00:00+08:00", "to": f"{day}T10:00:00+08:00"},
        {"from": f"{day}T19:00:00+08:00", "to": f"{day}T20:00:00+08:00"}]}  # fmt: skip
    status, problem = await _through_the_api(client, party.lawyer, party.engagement.id, evening)
    assert status == 422
    assert problem["errors"] == [{"field": "preferred_windows.1", "message": _outside(day)}]
    assert await MeetingRequest.all().count() == 1  # the party's own, nothing new


async def test_a_window_on_a_day_the_centre_is_closed_says_so(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    day = meeting_day()
    await OpeningSession.filter(facility_id=place.facility.id, weekday=day.weekday()).delete()
    window = {"preferred_windows": [{"from": f"{day}T09:00:00+08:00",
                                     "to": f"{day}T10:00:00+08:00"}]}  # fmt: skip
    status, problem = await _through_the_api(client, party.lawyer, party.engagement.id, window)
    assert status == 422
    words = f"The centre does not receive lawyers on {day_in_words(day, 'en')}: choose another day."
    assert problem["errors"] == [{"field": "preferred_windows.0", "message": words}]


async def test_a_window_that_overlaps_the_opening_hours_is_accepted(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    day = meeting_day()
    window = {"window1_date": day.isoformat(), "window1_from": "17:00", "window1_to": "19:30"}
    status, _page = await _through_the_page(client, party.lawyer, party.engagement.id, window)
    assert status == 303


async def test_a_walk_in_is_never_refused_for_the_hours_it_asked_for(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    day = meeting_day()
    window = {"window1_date": day.isoformat(), "window1_from": "19:00", "window1_to": "20:00",
              "walk_in": True}  # fmt: skip
    status, _page = await _through_the_page(client, place.staff, party.engagement.id, window)
    assert status == 303
    assert await MeetingRequest.filter(walk_in=True).count() == 1


def test_the_command_line_refuses_a_window_outside_the_hours_with_the_same_words(
    settings: Settings, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    lawyer, engagement_id = _party_in(settings)
    day = meeting_day()
    asked = ["meeting", "ask", "--as", lawyer, "--engagement", str(engagement_id), "--lang", "en",
             "--window", f"{day}T20:00:00+08:00", f"{day}T21:00:00+08:00"]  # fmt: skip
    assert main(asked) == 2
    assert capsys.readouterr().err.strip() == f"lawmeet: preferred_windows.0: {_outside(day)}"
