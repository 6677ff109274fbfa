"""Signed tree heads as checkpoint notes (C2SP signed-note, Ed25519): what a witness checks
with the public key alone."""

from __future__ import annotations

import base64
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.audit import merkle, signing

ORIGIN = "lawmeet.test/audit"
HEAD = signing.TreeHead(ORIGIN, 42, merkle.leaf_hash(b"x"), datetime(2026, 12, 7, 8, 0, tzinfo=UTC))


@pytest.fixture
def key(tmp_path: Path) -> signing.SigningKey:
    return signing.generate(tmp_path / "key.pem", ORIGIN)


def test_a_note_reads_back_with_the_public_key(key: signing.SigningKey) -> None:
    assert signing.read_note(key.sign(HEAD), key.public) == HEAD


def test_a_note_has_origin_size_root_and_time_then_a_signature(key: signing.SigningKey) -> None:
    lines = key.sign(HEAD).split("\n")
    root = base64.b64encode(HEAD.root).decode()
    assert lines[:4] == [ORIGIN, "42", root, "time 2026-12-07T08:00:00Z"]
    assert lines[4] == "" and lines[5].startswith(f"\u2014 {ORIGIN} ")


def test_an_altered_note_does_not_verify(key: signing.SigningKey) -> None:
    forged = key.sign(HEAD).replace("\n42\n", "\n43\n")
    with pytest.raises(signing.NoteError, match="altered"):
        signing.read_note(forged, key.public)


def test_a_note_signed_by_another_key_is_refused(key: signing.SigningKey, tmp_path: Path) -> None:
    other = signing.generate(tmp_path / "other.pem", ORIGIN)
    with pytest.raises(signing.NoteError):
        signing.read_note(other.sign(HEAD), key.public)


def test_the_verifier_key_round_trips(key: signing.SigningKey) -> None:
    text = key.public.verifier()
    assert text.startswith(f"{ORIGIN}+{key.public.key_id.hex()}+")
    again = signing.PublicKey.from_verifier(text)
    assert signing.read_note(key.sign(HEAD), again) == HEAD


def test_a_verifier_key_with_a_wrong_id_is_refused(key: signing.SigningKey) -> None:
    name, _id, encoded = key.public.verifier().split("+", 2)
    with pytest.raises(signing.NoteError):
        signing.PublicKey.from_verifier(f"{name}+00000000+{encoded}")


def test_the_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    made = signing.generate(path, ORIGIN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        signing.generate(path, ORIGIN)
    assert signing.load(path).public.raw == made.public.raw


def test_the_key_keeps_its_name_whatever_the_settings_say(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    signing.generate(path, ORIGIN)
    assert signing.load(path, "another.host/audit").name == ORIGIN
