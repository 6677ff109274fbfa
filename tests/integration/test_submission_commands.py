"""Filing and handling a defence submission are domain commands (rights_checklist.filing,
rights_checklist.handling): the lawyer's and the investigator's forms and the API build them, so
each rule answers the same through each, with the same field and the same words, and stores
nothing when it refuses."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from app.cases.kinds import EngagementStatus
from app.cases.models import Engagement
from app.law.context import load_context
from app.settings import Settings
from rights_checklist import submissions
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import Submission, SubmissionAttachment
from tests.integration.helpers import bearer, page_csrf, sign_in_as
from tests.integration.submission_world import PDF_A, PDF_B, active_world
from tests.integration.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEXT = "The suspect acted in self-defence."
Files = list[tuple[str, bytes, str]]
SIX_PDFS: Files = [(f"{n}.pdf", PDF_A + bytes([48 + n]), "application/pdf") for n in range(6)]

# --- filing: (the form, the files, the field at fault, the API's status, the words) --------
# The page answers the API's status, or 400 where the API's is 422 for a rule's own refusal.
FILING_REFUSED: dict[str, tuple[dict[str, str], Files, str, int, str]] = {
    "a submission without text": (
        {"kind": "opinion", "text": "  "}, [], "text", 422, "This field is required.",
    ),
    "a text longer than a submission holds": (
        {"kind": "opinion", "text": "意" * 50_001}, [], "text", 422, "The text is too long.",
    ),
    "a submission of no kind": ({"text": TEXT}, [], "kind", 422, "This field is required."),
    "a kind the law does not know": (
        {"kind": "petition", "text": TEXT}, [], "kind", 422, "This value is not valid here.",
    ),
    "attachments to an application": (
        {"kind": "measure_change", "text": TEXT}, [("a.pdf", PDF_A, "application/pdf")],
        "files", 422, "Only a written opinion takes attachments.",
    ),
    "more than five attachments": (
        {"kind": "opinion", "text": TEXT}, SIX_PDFS, "files", 422, "Attach at most 5 files.",
    ),
    "an attachment that is not a PDF, JPEG or PNG": (
        {"kind": "opinion", "text": TEXT}, [("a.txt", b"plain text", "text/plain")],
        "files", 415, "Upload a PDF, JPEG or PNG file.",
    ),
}  # fmt: skip


async def _stored() -> tuple[int, int]:
    return await Submission.all().count(), await SubmissionAttachment.all().count()


async def _file_through_the_page(
    client: AsyncClient, world: World, form: dict[str, str], files: Files
) -> tuple[int, str]:
    engagement = world.beijing.engagement.id
    await sign_in_as(client, world.beijing.lawyer)
    token = await page_csrf(client, f"/clients/{engagement}/submissions")
    response = await client.post(
        f"/clients/{engagement}/submissions",
        data={"csrf_token": token, **form},
        files=[("files", file) for file in files] or None,
    )
    return response.status_code, html.unescape(response.text)


async def _file_through_the_api(
    client: AsyncClient, world: World, form: dict[str, str], files: Files
) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/submissions",
        data=form,
        files=[("file", file) for file in files] or None,
        headers={**bearer(world.tokens["lawyer"]), "Accept-Language": "en"},
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("case", list(FILING_REFUSED))
async def test_the_lawyers_form_refuses_with_the_rules_words_at_its_field_and_stores_nothing(
    client: AsyncClient, settings: Settings, case: str
) -> None:
    form, files, field, status, words = FILING_REFUSED[case]
    world = await active_world(settings)
    before = await _stored()
    answered, page = await _file_through_the_page(client, world, form, files)
    assert answered == status or (status == 422 and answered == 400)
    assert words in page and f'id="e-submit-{field}"' in page
    assert await _stored() == before


@pytest.mark.parametrize("case", list(FILING_REFUSED))
async def test_the_api_refuses_filing_with_the_same_field_and_words_and_stores_nothing(
    client: AsyncClient, settings: Settings, case: str
) -> None:
    form, files, field, status, words = FILING_REFUSED[case]
    world = await active_world(settings)
    before = await _stored()
    answered, problem = await _file_through_the_api(client, world, form, files)
    assert answered == status
    assert problem["errors"][0] == {"field": field, "message": words}
    assert await _stored() == before


async def test_only_the_lawyer_of_an_active_engagement_files_through_either(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    await Engagement.filter(id=world.beijing.engagement.id).update(status=EngagementStatus.PENDING)
    words = "Only the lawyer of an active engagement can file submissions in this case."
    opinion = {"kind": "opinion", "text": TEXT}
    status, page = await _file_through_the_page(client, world, opinion, [])
    assert status == 409 and words in page
    status, problem = await _file_through_the_api(client, world, opinion, [])
    assert status == 409 and problem["detail"] == words
    assert await _stored() == (0, 0)


async def test_another_lawyer_finds_neither_the_engagement_nor_the_case(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    opinion = {"kind": "opinion", "text": TEXT}
    await sign_in_as(client, world.shanghai.lawyer)
    mine = world.shanghai.engagement.id
    token = await page_csrf(client, f"/clients/{mine}/submissions")
    response = await client.post(
        f"/clients/{world.beijing.engagement.id}/submissions",
        data={"csrf_token": token, **opinion},
    )
    assert response.status_code == 404
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/submissions",
        data=opinion,
        headers=bearer(world.tokens["other_lawyer"]),
    )
    assert response.status_code == 404
    assert await _stored() == (0, 0)


async def test_the_same_opinion_is_filed_alike_through_the_page_and_the_api(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    opinion = {"kind": "opinion", "text": TEXT}
    files: Files = [("a.pdf", PDF_A, "application/pdf"), ("b.pdf", PDF_B, "application/pdf")]
    status, _page = await _file_through_the_page(client, world, opinion, files)
    assert status == 303
    status, body = await _file_through_the_api(client, world, opinion, files)
    assert status == 201
    by_page, by_api = await Submission.filter(case_id=world.beijing.case.id).order_by("id")
    assert by_page.engagement_id == by_api.engagement_id == world.beijing.engagement.id
    assert by_page.sha256 == by_api.sha256 == body["sha256"]  # same text and files, same print
    assert await SubmissionAttachment.all().count() == 4


# --- handling: acknowledging, attaching to the case file, deciding --------------------------


async def _filed(world: World, settings: Settings, kind: SubmissionKind) -> Submission:
    engagement = await Engagement.get(id=world.beijing.engagement.id)
    return await submissions.submit(
        world.beijing.lawyer, engagement, kind, TEXT, [], settings.data_dir, 1_000_000,
        await load_context(settings.legal),
    )  # fmt: skip


async def _handle_through_the_page(
    client: AsyncClient, world: World, submission: Submission, step: str, form: dict[str, str]
) -> tuple[int, str]:
    await sign_in_as(client, world.beijing.investigator)
    token = await page_csrf(client, f"/submissions/{submission.id}")
    response = await client.post(
        f"/submissions/{submission.id}/{step}", data={"csrf_token": token, **form}
    )
    return response.status_code, html.unescape(response.text)


async def _handle_through_the_api(
    client: AsyncClient, world: World, submission: Submission, step: str, body: dict[str, Any],
    token: str = "investigator",
) -> tuple[int, dict[str, Any]]:  # fmt: skip
    response = await client.post(
        f"/api/v1/submissions/{submission.id}/{step}",
        json=body,
        headers={**bearer(world.tokens[token]), "Accept-Language": "en"},
    )
    return response.status_code, response.json()


YESTERDAY, TOMORROW = "yesterday", "tomorrow"
DECISION_TIME = "The decision time must be after the submission and not later than now."
# (what the investigator decides, the field at fault, the page's field, the API's status, words)
DECIDING_REFUSED: dict[str, tuple[dict[str, str], str, str, int, str]] = {
    "a refusal without written reasons": (
        {"decision": "refused", "reasons": " "}, "reasons", "reasons", 422,
        "A refusal needs written reasons.",
    ),
    "no decision": ({"reasons": "Granted in part."}, "decision", "decision", 422,
                    "This field is required."),
    "reasons longer than the register holds": (
        {"decision": "refused", "reasons": "由" * 10_001}, "reasons", "reasons", 422,
        "This text is too long.",
    ),
    "a decision before the application was filed": (
        {"decision": "granted", "decided_at": YESTERDAY}, "decided_at", "day", 422, DECISION_TIME,
    ),
    "a decision in the future": (
        {"decision": "granted", "decided_at": TOMORROW}, "decided_at", "day", 422, DECISION_TIME,
    ),
}  # fmt: skip


def _decided_at(sent: dict[str, str]) -> datetime | None:
    if "decided_at" not in sent:
        return None
    days = -1 if sent["decided_at"] == YESTERDAY else 1
    return (datetime.now(SHANGHAI) + timedelta(days=days)).replace(second=0, microsecond=0)


def _decision_form(sent: dict[str, str]) -> dict[str, str]:
    form = {k: v for k, v in sent.items() if k != "decided_at"}
    at = _decided_at(sent)
    return form | ({"day": f"{at:%Y-%m-%d}", "clock": f"{at:%H:%M}"} if at else {})


def _decision_body(sent: dict[str, str]) -> dict[str, Any]:
    at = _decided_at(sent)
    return {k: v for k, v in sent.items() if k != "decided_at"} | (
        {"decided_at": at.isoformat()} if at else {}
    )


@pytest.mark.parametrize("case", list(DECIDING_REFUSED))
async def test_the_decision_form_refuses_with_the_rules_words_and_stores_nothing(
    client: AsyncClient, settings: Settings, case: str
) -> None:
    sent, _field, page_field, status, words = DECIDING_REFUSED[case]
    world = await active_world(settings)
    application = await _filed(world, settings, SubmissionKind.MEASURE_CHANGE)
    form = _decision_form(sent)
    answered, page = await _handle_through_the_page(client, world, application, "decide", form)
    assert answered == status or (status == 422 and answered == 400)
    assert words in page and f'id="e-decide-{page_field}"' in page
    stored = await Submission.get(id=application.id)
    assert stored.decided_at is None and stored.decision is None


@pytest.mark.parametrize("case", list(DECIDING_REFUSED))
async def test_the_api_refuses_the_decision_with_the_same_field_and_words_and_stores_nothing(
    client: AsyncClient, settings: Settings, case: str
) -> None:
    sent, field, _page_field, status, words = DECIDING_REFUSED[case]
    world = await active_world(settings)
    application = await _filed(world, settings, SubmissionKind.MEASURE_CHANGE)
    body = _decision_body(sent)
    answered, problem = await _handle_through_the_api(client, world, application, "decision", body)
    assert answered == status
    assert problem["errors"][0] == {"field": field, "message": words}
    stored = await Submission.get(id=application.id)
    assert stored.decided_at is None and stored.decision is None


async def test_the_same_refusal_is_recorded_through_the_page_and_the_api(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    by_page = await _filed(world, settings, SubmissionKind.INTERPRETER)
    by_api = await _filed(world, settings, SubmissionKind.INTERPRETER)
    refusal = {"decision": "refused", "reasons": "The suspect speaks Mandarin."}
    status, _page = await _handle_through_the_page(client, world, by_page, "decide", refusal)
    assert status == 303
    status, body = await _handle_through_the_api(client, world, by_api, "decision", refusal)
    assert status == 200 and body["decision"] == "refused"
    for submission in (by_page, by_api):
        stored = await Submission.get(id=submission.id)
        assert stored.decision == "refused" and stored.decision_reasons == refusal["reasons"]
        assert stored.decided_by_id == world.beijing.investigator.id
        assert stored.acknowledged_at is not None


ATTACHING_REFUSED: dict[str, tuple[str, str]] = {
    "no file reference": (" ", "This field is required."),
    "a file reference longer than the register holds": ("卷" * 121, "This text is too long."),
}


@pytest.mark.parametrize("case", list(ATTACHING_REFUSED))
async def test_attaching_an_opinion_is_refused_alike_through_the_page_and_the_api(
    client: AsyncClient, settings: Settings, case: str
) -> None:
    reference, words = ATTACHING_REFUSED[case]
    world = await active_world(settings)
    opinion = await _filed(world, settings, SubmissionKind.OPINION)
    form = {"file_reference": reference}
    status, page = await _handle_through_the_page(client, world, opinion, "attach", form)
    assert status in (400, 422) and words in page and 'id="e-attach-file_reference"' in page
    status, problem = await _handle_through_the_api(client, world, opinion, "attachment", form)
    assert status == 422
    assert problem["errors"][0] == {"field": "file_reference", "message": words}
    assert (await Submission.get(id=opinion.id)).attached_at is None


async def test_only_an_investigator_of_the_agency_acknowledges_through_either(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    opinion = await _filed(world, settings, SubmissionKind.OPINION)
    status, _problem = await _handle_through_the_api(
        client, world, opinion, "acknowledgement", {}, token="other_investigator"
    )
    assert status == 404
    status, _problem = await _handle_through_the_api(
        client, world, opinion, "acknowledgement", {}, token="lawyer"
    )
    assert status == 403
    await sign_in_as(client, world.shanghai.investigator)
    token = await page_csrf(client, "/tasks/submissions")
    response = await client.post(
        f"/submissions/{opinion.id}/acknowledge", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert (await Submission.get(id=opinion.id)).acknowledged_at is None
    status, _page = await _handle_through_the_page(client, world, opinion, "acknowledge", {})
    assert status == 303 and (await Submission.get(id=opinion.id)).acknowledged_at is not None
    status, problem = await _handle_through_the_api(client, world, opinion, "acknowledgement", {})
    assert status == 409 and problem["detail"] == "This submission was already acknowledged."
