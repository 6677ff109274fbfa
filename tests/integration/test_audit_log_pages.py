"""The signed log's addresses: the latest signed head and the verifier key in plain text for
anyone, the consistency proof and the signed heads in the API, the key on the audit page."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from app.audit import checkpoints, merkle, signing, tree
from app.settings import Settings
from tests.integration.audit_tampering import write_entries
from tests.integration.helpers import api_token, bearer, in_english, make_user, signed_in


@pytest.fixture
def key(settings: Settings) -> signing.SigningKey:
    return signing.generate(settings.audit_key_path, settings.audit_origin)


async def _auditor(client: AsyncClient) -> dict[str, str]:
    return bearer(await api_token(await make_user(Role.BAR_AUDITOR)))


async def test_the_latest_signed_head_is_public_and_verifies_with_the_public_key(
    client: AsyncClient, settings: Settings, key: signing.SigningKey
) -> None:
    assert (await client.get("/audit/checkpoint")).status_code == 404  # nothing signed yet
    await write_entries(5)
    await checkpoints.sign_tree_head(key)
    note = await client.get("/audit/checkpoint")
    assert note.status_code == 200 and note.headers["content-type"].startswith("text/plain")
    verifier = (await client.get("/audit/public-key")).text.strip()
    head = signing.read_note(note.text, signing.PublicKey.from_verifier(verifier))
    assert (head.size, head.root) == (5, await tree.root_at(5))


async def test_the_api_proves_the_log_extends_an_older_tree(client: AsyncClient) -> None:
    await write_entries(3)
    old_root = await tree.root_at(3)
    await write_entries(6)
    headers = await _auditor(client)
    # Issuing the token was an entry too: the proof is asked up to the ninth.
    answer = await client.get("/api/v1/audit/consistency?from=3&to=9", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["old_size"], body["new_size"], body["old_root"]) == (3, 9, old_root.hex())
    proof = [bytes.fromhex(step) for step in body["proof"]]
    new_root = bytes.fromhex(body["new_root"])
    assert merkle.verify_consistency(3, 9, old_root, new_root, proof)


@pytest.mark.parametrize(("query", "field"), [("from=5&to=4", "from"), ("from=1&to=99", "to")])
async def test_an_impossible_pair_of_sizes_is_refused_naming_the_field(
    client: AsyncClient, query: str, field: str
) -> None:
    await write_entries(6)
    answer = await client.get(f"/api/v1/audit/consistency?{query}", headers=await _auditor(client))
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [field]


async def test_the_signed_heads_are_listed_for_auditors_only(
    client: AsyncClient, settings: Settings, key: signing.SigningKey
) -> None:
    await write_entries(2)
    await checkpoints.sign_tree_head(key)
    listed = await client.get("/api/v1/audit/checkpoints", headers=await _auditor(client))
    assert [c["size"] for c in listed.json()] == [2]
    lawyer = bearer(await api_token(await make_user(Role.LAWYER)))
    assert (await client.get("/api/v1/audit/checkpoints", headers=lawyer)).status_code == 403


async def test_the_audit_page_shows_the_key_and_the_latest_signed_head(
    client: AsyncClient, settings: Settings, key: signing.SigningKey
) -> None:
    await write_entries(4)
    await checkpoints.sign_tree_head(key)
    await signed_in(client, Role.BAR_AUDITOR)
    in_english(client)
    page = (await client.get("/audit")).text
    assert "Signed tree heads" in page and key.public.verifier() in page
    assert "4 entries" in page and 'href="/audit/checkpoint"' in page
