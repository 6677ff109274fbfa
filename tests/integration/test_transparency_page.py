"""The public transparency page: off by default (404); when on, aggregate figures per detention
centre everywhere, no sign-in, and nothing about a case or a person."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from httpx import AsyncClient

from app.settings import ComplianceSection, Settings, load_settings
from scheduling import attendance
from tests.integration.export_world import (
    DETAINEE_NAME,
    LAWYER_NAME,
    ExportWorld,
    make_export_world,
    open_case_request,
)
from tests.integration.helpers import NOTICES, in_english

SECRET_DETAILS = "委托书缺失-律师王某某"


@pytest.fixture
def public_page() -> bool:
    return False


@pytest.fixture
def settings(settings: Settings, public_page: bool) -> Settings:
    return settings.model_copy(update={"compliance": ComplianceSection(public_page=public_page)})


def test_the_page_is_off_in_the_shipped_settings() -> None:
    assert load_settings(environ={}).compliance.public_page is False
    assert Settings().compliance.public_page is False


async def test_when_off_the_page_does_not_exist(client: AsyncClient) -> None:
    assert (await client.get("/transparency")).status_code == 404


class TestWhenOn:
    @pytest.fixture
    def public_page(self) -> bool:
        return True

    @pytest.fixture
    async def world(self, client: AsyncClient) -> ExportWorld:
        world = await make_export_world()
        _number, request = await open_case_request(world.shanghai, datetime.now(UTC))
        await attendance.refuse_request(
            world.shanghai.staff,
            request,
            "lawyer_documents_incomplete",
            SECRET_DETAILS,
            notices=NOTICES,
        )
        return world

    async def test_anyone_sees_every_centres_figures_without_signing_in(
        self, client: AsyncClient, world: ExportWorld
    ) -> None:
        in_english(client)
        response = await client.get("/transparency")
        assert response.status_code == 200
        rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', response.text))
        assert world.beijing.facility.name in rows and world.shanghai.facility.name in rows
        beijing = re.findall(r"<td[^>]*>([^<]*)</td>", rows[world.beijing.facility.name])
        assert beijing[0] == "33.3%" and beijing[2] == "3"

    async def test_no_case_person_or_stated_reason_appears(
        self, client: AsyncClient, world: ExportWorld
    ) -> None:
        html = (await client.get("/transparency")).text
        for number in [world.on_time_case, world.shanghai_missed, *world.beijing_missed]:
            assert number not in html
        assert DETAINEE_NAME not in html and LAWYER_NAME not in html
        assert SECRET_DETAILS not in html and "委托书" not in html
        assert world.auditor.username not in html and world.beijing.staff.username not in html
