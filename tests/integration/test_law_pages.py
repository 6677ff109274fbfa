"""The statutory catalogue as pages (issue 17): every signed-in user reads each duty of
app/law/catalogue.toml in words at /law and /law/{duty_id}, with its code where a specialist
looks for it; the legal references on other pages link to their duty."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from markupsafe import escape

from app.accounts.roles import Role
from app.law.catalogue import load_catalogue
from app.presentation.legal_words import reference_words
from tests.integration.helpers import login, page_csrf, signed_in
from tests.integration.meeting_world import Place, make_party, make_place

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("language", ["zh-CN", "en"])
async def test_the_list_shows_every_duty_of_the_catalogue(
    client: AsyncClient, language: str
) -> None:
    await signed_in(client, Role.INVESTIGATOR)
    client.cookies.set("lawmeet_lang", language)
    response = await client.get("/law")
    assert response.status_code == 200
    page = response.text
    for duty in CATALOGUE.duty:
        assert f'href="/law/{duty.id}"' in page
        assert str(escape(duty.title.in_locale(language))) in page
        assert f"<code>{duty.id}</code>" in page


async def test_the_list_needs_a_signed_in_user(client: AsyncClient) -> None:
    response = await client.get("/law")
    assert response.status_code in (302, 303, 401)


@pytest.mark.parametrize("language", ["zh-CN", "en"])
async def test_one_duty_shows_its_basis_in_words_and_its_code(
    client: AsyncClient, language: str
) -> None:
    await signed_in(client, Role.DETENTION_STAFF)
    client.cookies.set("lawmeet_lang", language)
    duty = CATALOGUE.by_id("M1")
    page = (await client.get("/law/M1")).text
    assert str(escape(reference_words(duty.basis, language))) in page
    assert "CPL 39(2)" not in page
    assert "<code>M1</code>" in page
    assert str(escape(duty.explanation.in_locale(language))) in page
    # How it is counted: the policies it depends on and a deadline starting now, step by step.
    assert "<code>P2</code>" in page and 'class="deadline-steps"' in page
    assert "Asia/Shanghai" not in page


async def test_an_unknown_duty_is_not_found(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER)
    assert (await client.get("/law/Z9")).status_code == 404


async def test_every_duty_page_answers(client: AsyncClient) -> None:
    await signed_in(client, Role.BAR_AUDITOR)
    for duty in CATALOGUE.duty:
        assert (await client.get(f"/law/{duty.id}")).status_code == 200, duty.id


async def test_a_reference_on_the_meeting_request_page_links_to_its_duty(
    client: AsyncClient,
) -> None:
    place: Place = await make_place(rooms=1)
    party = await make_party(place)
    client.cookies.clear()
    assert (await login(client, party.lawyer.username)).status_code == 303
    form = f"/clients/{party.engagement.id}/meetings/new"
    token = await page_csrf(client, form)
    data = {"csrf_token": token, "length_minutes": "60", "room_kind": "in_person"}
    response = await client.post(form, data=data)
    assert response.status_code == 303, response.text
    page = (await client.get(response.headers["location"])).text
    words = str(escape(reference_words(CATALOGUE.by_id("M1").basis, "zh-CN")))
    assert f'<a class="law-ref" href="/law/M1">{words}</a>' in page


async def test_the_footer_links_to_the_catalogue(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER)
    assert 'href="/law"' in (await client.get("/")).text
