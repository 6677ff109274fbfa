"""The case registry through its API: opening cases, the timeline, engagements, documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from app.audit.models import AuditEntry
from app.cases.models import CaseDetainee, CaseEvent, Detainee
from app.settings import Settings
from tests.integration.helpers import bearer
from tests.integration.world import PDF, World, build_world


def _at(hours_ago: float = 0) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()


async def _world(settings: Settings) -> World:
    return await build_world(settings.data_dir)


async def test_investigator_opens_a_case_with_a_new_detainee(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    body = {
        "case_number": "NEW-1",
        "category": "state_security",
        "suspected_charges": "espionage",
        "detainee": {
            "name": "Zhou Min",
            "id_number": "110108199001011234",
            "facility_id": world.beijing.facility.id,
            "admitted_at": _at(5),
        },
    }
    response = await client.post(
        "/api/v1/cases", json=body, headers=bearer(world.tokens["investigator"])
    )
    assert response.status_code == 201
    case = response.json()
    assert case["category"] == "state_security" and case["stage"] == "investigation"
    assert case["investigator_ids"] == [world.beijing.investigator.id]
    assert await Detainee.filter(id_number="110108199001011234").count() == 1


async def test_a_case_number_is_unique_within_the_agency(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    body = {
        "case_number": world.beijing.case.case_number,
        "detainee": {
            "name": "X Y",
            "id_number": "110108199001019999",
            "facility_id": world.beijing.facility.id,
            "admitted_at": _at(1),
        },
    }
    response = await client.post(
        "/api/v1/cases", json=body, headers=bearer(world.tokens["investigator"])
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_event_in_the_future_is_refused(client: AsyncClient, settings: Settings) -> None:
    world = await _world(settings)
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/events",
        json={
            "kind": "arrest",
            "effective_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
        headers=bearer(world.tokens["investigator"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "effective_at"


async def test_an_event_needs_a_time_zone(client: AsyncClient, settings: Settings) -> None:
    world = await _world(settings)
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/events",
        json={"kind": "arrest", "effective_at": "2026-11-20T17:30:00"},
        headers=bearer(world.tokens["investigator"]),
    )
    assert response.status_code == 422


async def test_a_custody_extension_needs_its_new_expiry_and_basis(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    path = f"/api/v1/cases/{world.beijing.case.id}/events"
    headers = bearer(world.tokens["investigator"])
    missing = await client.post(
        path, json={"kind": "custody_extension", "effective_at": _at()}, headers=headers
    )
    complete = await client.post(
        path,
        headers=headers,
        json={
            "kind": "custody_extension",
            "effective_at": _at(),
            "new_expiry": "2027-01-20",
            "legal_basis": "CPL art. 156",
        },
    )
    assert missing.status_code == 422
    assert complete.status_code == 201
    assert complete.json()["details"] == {"new_expiry": "2027-01-20", "legal_basis": "CPL art. 156"}


async def test_an_arrest_recorded_late_keeps_its_effective_time(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    effective = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=20)
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/events",
        json={"kind": "arrest", "effective_at": effective.isoformat(), "note": "late entry"},
        headers=bearer(world.tokens["investigator"]),
    )
    event = response.json()
    assert datetime.fromisoformat(event["effective_at"]) == effective
    assert datetime.fromisoformat(event["recorded_at"]) > effective + timedelta(hours=19)


async def test_a_correction_is_a_new_event_that_names_the_corrected_one(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    path = f"/api/v1/cases/{world.beijing.case.id}/events"
    headers = bearer(world.tokens["investigator"])
    wrong = (
        await client.post(path, json={"kind": "arrest", "effective_at": _at(3)}, headers=headers)
    ).json()
    fixed = await client.post(
        path,
        headers=headers,
        json={
            "kind": "correction",
            "effective_at": _at(2),
            "corrects_id": wrong["id"],
            "note": "arrest was at 15:00",
        },
    )
    unanchored = await client.post(
        path, headers=headers, json={"kind": "correction", "effective_at": _at(1)}
    )
    assert fixed.status_code == 201 and fixed.json()["corrects_id"] == wrong["id"]
    assert unanchored.status_code == 422
    original = await CaseEvent.get(id=wrong["id"])
    assert original.note == ""  # never edited in place


async def test_transfer_for_prosecution_moves_the_case_stage(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    headers = bearer(world.tokens["investigator"])
    await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/events",
        headers=headers,
        json={"kind": "transfer_for_prosecution", "effective_at": _at()},
    )
    case = (await client.get(f"/api/v1/cases/{world.beijing.case.id}", headers=headers)).json()
    assert case["stage"] == "prosecution_review"


async def test_staff_record_a_move_and_the_detainee_changes_facility(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/events",
        headers=bearer(world.tokens["staff"]),
        json={
            "kind": "moved_facility",
            "effective_at": _at(),
            "to_facility_id": world.shanghai.facility.id,
        },
    )
    assert response.status_code == 201
    assert response.json()["details"]["from_facility_id"] == world.beijing.facility.id
    detainee = await Detainee.get(id=world.beijing.detainee.id)
    assert detainee.facility_id == world.shanghai.facility.id


async def test_staff_may_not_record_an_arrest(client: AsyncClient, settings: Settings) -> None:
    world = await _world(settings)
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/events",
        headers=bearer(world.tokens["staff"]),
        json={"kind": "arrest", "effective_at": _at()},
    )
    assert response.status_code == 403


async def test_lookup_needs_the_exact_name_and_full_number(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    detainee = world.beijing.detainee
    headers = bearer(world.tokens["other_lawyer"])
    exact = {
        "facility_id": world.beijing.facility.id,
        "name": detainee.name,
        "id_number": detainee.id_number,
    }
    partial_name = {**exact, "name": detainee.name[:-1]}
    partial_number = {**exact, "id_number": detainee.id_number[:-1]}
    other_facility = {**exact, "facility_id": world.shanghai.facility.id}
    assert (await client.post("/api/v1/detainee-lookups", json=exact, headers=headers)).json()[
        "cases"
    ][0]["id"] == world.beijing.case.id
    for attempt in (partial_name, partial_number, other_facility):
        response = await client.post("/api/v1/detainee-lookups", json=attempt, headers=headers)
        assert response.status_code == 404
        assert "cases" not in response.json()


async def test_lookups_are_throttled(client: AsyncClient, settings: Settings) -> None:
    world = await _world(settings)
    headers = bearer(world.tokens["other_lawyer"])
    attempt = {
        "facility_id": world.beijing.facility.id,
        "name": "Nobody",
        "id_number": "110108000000000000",
    }
    answers = [
        await client.post("/api/v1/detainee-lookups", json=attempt, headers=headers)
        for _ in range(11)
    ]
    assert [answer.status_code for answer in answers] == [404] * 10 + [429]
    # The window is an hour: the refusal says when to come back (RFC 9110 Retry-After).
    assert 3500 < int(answers[-1].headers["retry-after"]) <= 3600


async def test_a_new_lawyer_engages_uploads_and_becomes_active_after_staff_review(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    lawyer, staff = bearer(world.tokens["other_lawyer"]), bearer(world.tokens["staff"])
    detainee = world.beijing.detainee
    created = await client.post(
        "/api/v1/engagements",
        headers=lawyer,
        json={
            "facility_id": world.beijing.facility.id,
            "name": detainee.name,
            "id_number": detainee.id_number,
            "case_id": world.beijing.case.id,
        },
    )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    engagement_id = created.json()["id"]
    for kind in ("practice_licence", "firm_letter", "power_of_attorney"):
        uploaded = await client.post(
            f"/api/v1/engagements/{engagement_id}/documents",
            headers=lawyer,
            data={"kind": kind},
            files={"file": (f"{kind}.pdf", PDF + kind.encode(), "application/pdf")},
        )
        assert uploaded.status_code == 201
        review = await client.post(
            f"/api/v1/documents/{uploaded.json()['id']}/review",
            headers=staff,
            json={"accept": True},
        )
        assert review.status_code == 200
    assert review.json()["status"] == "active"


async def test_a_rejection_needs_a_reason(client: AsyncClient, settings: Settings) -> None:
    world = await _world(settings)
    response = await client.post(
        f"/api/v1/documents/{world.beijing.document.id}/review",
        headers=bearer(world.tokens["staff"]),
        json={"accept": False},
    )
    assert response.status_code == 422


async def test_a_fourth_kind_of_document_cannot_be_demanded(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    response = await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/documents",
        headers=bearer(world.tokens["lawyer"]),
        data={"kind": "legal_aid_letter"},
        files={"file": ("aid.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 422


async def test_an_html_file_named_pdf_is_refused(client: AsyncClient, settings: Settings) -> None:
    world = await _world(settings)
    response = await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/documents",
        headers=bearer(world.tokens["lawyer"]),
        data={"kind": "firm_letter"},
        files={"file": ("letter.pdf", b"<html><script>alert(1)</script>", "application/pdf")},
    )
    assert response.status_code == 415


async def test_the_engagement_notice_is_recorded_once_on_the_timeline(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    headers = bearer(world.tokens["lawyer"])
    path = f"/api/v1/engagements/{world.beijing.engagement.id}/notice"
    first, second = (
        await client.post(path, headers=headers),
        await client.post(path, headers=headers),
    )
    assert first.status_code == 200 and first.json()["notice_sent_at"]
    assert second.status_code == 409
    events = await CaseEvent.filter(case_id=world.beijing.case.id, kind="engagement_notice")
    assert len(events) == 1 and events[0].engagement_id == world.beijing.engagement.id


async def test_downloading_a_document_is_an_attachment_and_is_audited(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    response = await client.get(
        f"/api/v1/documents/{world.beijing.document.id}", headers=bearer(world.tokens["staff"])
    )
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-disposition"].startswith("attachment")
    assert (
        await AuditEntry.filter(action="document.viewed", actor_id=world.beijing.staff.id).count()
        == 1
    )


async def test_viewing_a_full_identity_number_is_audited(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    await client.get(
        f"/api/v1/detainees/{world.beijing.detainee.id}",
        headers=bearer(world.tokens["investigator"]),
    )
    assert (
        await AuditEntry.filter(
            action="detainee.viewed", actor_id=world.beijing.investigator.id
        ).count()
        == 1
    )


async def _activate(client: AsyncClient, world: World) -> None:
    """Give the Beijing lawyer's engagement its other two documents and have staff accept all."""
    lawyer, staff = bearer(world.tokens["lawyer"]), bearer(world.tokens["staff"])
    ids = [world.beijing.document.id]
    for kind in ("firm_letter", "power_of_attorney"):
        uploaded = await client.post(
            f"/api/v1/engagements/{world.beijing.engagement.id}/documents",
            headers=lawyer,
            data={"kind": kind},
            files={"file": (f"{kind}.pdf", PDF, "application/pdf")},
        )
        ids.append(uploaded.json()["id"])
    for document_id in ids:
        await client.post(
            f"/api/v1/documents/{document_id}/review", headers=staff, json={"accept": True}
        )


async def test_a_pending_engagement_shows_no_timeline(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    events = await client.get(
        f"/api/v1/cases/{world.beijing.case.id}/events", headers=bearer(world.tokens["lawyer"])
    )
    assert events.status_code == 200 and events.json() == []


async def test_a_lawyer_sees_the_timeline_but_not_another_lawyers_engagement_events(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    await _activate(client, world)
    other = bearer(world.tokens["other_lawyer"])
    detainee = world.beijing.detainee
    engagement = (
        await client.post(
            "/api/v1/engagements",
            headers=other,
            json={
                "facility_id": world.beijing.facility.id,
                "name": detainee.name,
                "id_number": detainee.id_number,
                "case_id": world.beijing.case.id,
            },
        )
    ).json()
    await client.post(f"/api/v1/engagements/{engagement['id']}/notice", headers=other)
    await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/notice",
        headers=bearer(world.tokens["lawyer"]),
    )
    events = (
        await client.get(
            f"/api/v1/cases/{world.beijing.case.id}/events", headers=bearer(world.tokens["lawyer"])
        )
    ).json()
    notices = [e for e in events if e["kind"] == "engagement_notice"]
    assert events[0]["kind"] == "criminal_detention"
    assert len(notices) == 1
    assert notices[0]["id"] == (await CaseEvent.get(engagement_id=world.beijing.engagement.id)).id


async def test_a_lawyer_does_not_see_events_about_a_co_defendant(
    client: AsyncClient, settings: Settings
) -> None:
    world = await _world(settings)
    await _activate(client, world)
    co_defendant = await Detainee.create(
        name="Co Defendant",
        id_number="110108199912120000",
        facility=world.beijing.facility,
        admitted_at=datetime.now(UTC),
    )
    await CaseDetainee.create(case=world.beijing.case, detainee=co_defendant)
    path = f"/api/v1/cases/{world.beijing.case.id}/events"
    await client.post(
        path,
        headers=bearer(world.tokens["investigator"]),
        json={"kind": "arrest", "effective_at": _at(1), "detainee_id": co_defendant.id},
    )
    await client.post(
        path,
        headers=bearer(world.tokens["investigator"]),
        json={"kind": "arrest", "effective_at": _at(1), "detainee_id": world.beijing.detainee.id},
    )
    events = (await client.get(path, headers=bearer(world.tokens["lawyer"]))).json()
    assert {e["detainee_id"] for e in events} == {world.beijing.detainee.id}
    assert [e["kind"] for e in events].count("arrest") == 1
