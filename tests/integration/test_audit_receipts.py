"""Receipts for a defence submission's filing: downloaded by its lawyer once a signed tree
head holds the filing, checked by anyone at /verify and by `lawmeet audit verify-receipt`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from httpx import AsyncClient

from app.audit import checkpoints, signing
from app.audit.receipt import Receipt, check, to_code
from app.cli import main
from app.law.context import load_context
from app.settings import Settings
from rights_checklist import submissions
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import Submission
from tests.integration.helpers import api_token, bearer, in_english, page_csrf, sign_in_as
from tests.integration.meeting_world import make_party, make_place
from tests.integration.submission_world import active_world
from tests.integration.world import World


@pytest.fixture
async def filed(client: AsyncClient, settings: Settings) -> tuple[World, Submission]:
    world = await active_world(settings)
    side = world.beijing
    await side.engagement.refresh_from_db()
    submission = await submissions.submit(
        side.lawyer, side.engagement, SubmissionKind.OPINION, "The suspect acted in defence.",
        [], settings.data_dir, 1_000_000, await load_context(settings.legal),
        public_url="http://testserver",
    )  # fmt: skip
    return world, submission


@pytest.fixture
def key(settings: Settings) -> signing.SigningKey:
    return signing.generate(settings.audit_key_path, settings.audit_origin)


async def _receipt_json(client: AsyncClient, world: World, submission: Submission) -> str:
    await sign_in_as(client, world.beijing.lawyer)
    answer = await client.get(f"/submissions/{submission.id}/receipt.json")
    assert answer.status_code == 200, answer.text
    assert "attachment" in answer.headers["content-disposition"]
    return answer.text


async def test_the_proof_waits_for_the_next_signed_head(
    client: AsyncClient, filed: tuple[World, Submission], key: signing.SigningKey
) -> None:
    world, submission = filed
    await sign_in_as(client, world.beijing.lawyer)
    in_english(client)
    page = (await client.get(f"/submissions/{submission.id}/receipt")).text
    assert "once the audit log has next been signed, within 5 minutes" in page
    assert (await client.get(f"/submissions/{submission.id}/receipt.json")).status_code == 404


async def test_the_lawyer_downloads_a_proof_the_public_key_alone_checks(
    client: AsyncClient, filed: tuple[World, Submission], key: signing.SigningKey
) -> None:
    world, submission = filed
    await checkpoints.sign_tree_head(key)
    receipt = Receipt.model_validate_json(await _receipt_json(client, world, submission))
    proven = check(receipt, key.public)
    page = (await client.get(f"/submissions/{submission.id}/receipt")).text
    assert 'class="qr"' in page  # the same proof, printed as a code
    assert (proven.entry.action, proven.entry.object_id) == ("submission.filed", str(submission.id))
    assert proven.entry.summary["receipt"] == submission.receipt_number


async def test_the_auditor_gets_no_receipt_of_the_content(
    client: AsyncClient, filed: tuple[World, Submission], key: signing.SigningKey
) -> None:
    world, submission = filed
    await checkpoints.sign_tree_head(key)
    await sign_in_as(client, world.beijing.auditor)
    assert (await client.get(f"/submissions/{submission.id}/receipt.json")).status_code == 404


async def test_anyone_checks_a_receipt_at_verify_without_signing_in(
    client: AsyncClient, filed: tuple[World, Submission], key: signing.SigningKey
) -> None:
    world, submission = filed
    await checkpoints.sign_tree_head(key)
    text = await _receipt_json(client, world, submission)
    client.cookies.clear()
    in_english(client)
    token = await page_csrf(client, "/verify")
    good = await client.post("/verify", data={"csrf_token": token, "receipt": text})
    assert good.status_code == 200 and "The receipt checks out" in good.text
    forged = text.replace(submission.receipt_number, "LM-2026-999999")
    bad = await client.post("/verify", data={"csrf_token": token, "receipt": forged})
    assert bad.status_code == 422
    assert "The entry is not in the signed tree" in bad.text
    code = to_code(Receipt.model_validate_json(text))  # what the printed QR code holds
    scanned = await client.post("/verify", data={"csrf_token": token, "receipt": code})
    assert scanned.status_code == 200 and "The receipt checks out" in scanned.text
    junk = await client.post("/verify", data={"csrf_token": token, "receipt": "{}"})
    assert junk.status_code == 422 and "not a lawmeet receipt" in junk.text


async def test_the_command_checks_a_receipt_offline(
    client: AsyncClient,
    filed: tuple[World, Submission],
    key: signing.SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, submission = filed
    await checkpoints.sign_tree_head(key)
    path = tmp_path / "receipt.json"
    path.write_text(await _receipt_json(client, world, submission))
    verifier = key.public.verifier()
    command = ["audit", "verify-receipt", str(path), "--public-key", verifier]
    assert await asyncio.to_thread(main, command) == 0  # the command runs its own event loop
    assert capsys.readouterr().out.startswith("proven: entry ")
    data = json.loads(path.read_text())
    data["entry"]["object_id"] = "999"
    path.write_text(json.dumps(data))
    assert await asyncio.to_thread(main, command) == 1
    assert capsys.readouterr().out.startswith("not proven: ")


async def test_a_lawyer_downloads_the_proof_of_her_meeting_request_from_its_page(
    client: AsyncClient, settings: Settings, key: signing.SigningKey
) -> None:
    place = await make_place()
    party, other = await make_party(place), await make_party(place)
    token = bearer(await api_token(party.lawyer))
    asked = await client.post(
        "/api/v1/meeting-requests", json={"engagement_id": party.engagement.id}, headers=token
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    await checkpoints.sign_tree_head(key)
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/meeting-requests/{request_id}")).text
    assert f'href="/proofs/meeting-request/{request_id}.json"' in page
    proof = await client.get(f"/proofs/meeting-request/{request_id}.json")
    proven = check(Receipt.model_validate_json(proof.text), key.public)
    assert (proven.entry.action, proven.entry.object_id) == (
        "meeting_request.opened",
        str(request_id),
    )
    await sign_in_as(client, other.lawyer)  # another lawyer: not hers to see
    assert (await client.get(f"/proofs/meeting-request/{request_id}.json")).status_code == 404
    assert (await client.get(f"/proofs/lunch/{request_id}.json")).status_code == 404
