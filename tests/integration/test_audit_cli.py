"""`lawmeet audit verify|checkpoint|export`, run in-process on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.audit.models import AuditEntry, AuditHead
from app.cli import main
from app.settings import Settings
from tests.integration.audit_tampering import (
    allow_tampering,
    edit_summary,
    rewrite_history_from,
    write_entries,
)
from tests.integration.helpers import in_database

SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("LAWMEET_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", SECRET)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    return tmp_path


def test_cli_verify_checkpoint_and_truncation(
    settings: Settings, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_database(settings, lambda: write_entries(5))
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("ok: 5 entries, head seq 5 hash ")
    assert main(["audit", "checkpoint"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent == cli_env / "audit-checkpoints" and path.suffix == ".json"
    assert json.loads(path.read_text())["seq"] == 6  # the verification above is entry 6

    async def truncate() -> None:
        await allow_tampering()
        await AuditEntry.filter(seq__gt=4).delete()
        fourth = await AuditEntry.get(seq=4)
        await AuditHead.filter(id=1).update(seq=4, hash=fourth.hash)

    in_database(settings, truncate)
    assert main(["audit", "verify", "--checkpoint", str(path)]) == 1
    assert capsys.readouterr().out.startswith("broken: first bad seq 5 (truncated)")
    # Without --checkpoint the newest one in the data folder is used. (The failed run above
    # appended its own entry as seq 5, so the break now shows at the checkpoint's seq.)
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().out.startswith("broken: first bad seq 6 (truncated)")


def test_cli_verify_names_an_edited_row(
    settings: Settings, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def tamper() -> None:
        await write_entries(4)
        await allow_tampering()
        await edit_summary()

    in_database(settings, tamper)
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().out.startswith("broken: first bad seq 3 (altered)")
    assert main(["audit", "checkpoint", "--output", str(cli_env / "c.json")]) == 1
    assert not (cli_env / "c.json").exists()


def test_cli_verify_refuses_a_bad_checkpoint_file(
    settings: Settings, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = cli_env / "bad.json"
    bad.write_text("{}")
    assert main(["audit", "verify", "--checkpoint", str(bad)]) == 2
    assert "bad.json" in capsys.readouterr().err


def test_cli_export_writes_json_lines(
    settings: Settings, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_database(settings, lambda: write_entries(3))
    assert main(["audit", "export", "--from", "2000-01-01", "--to", "2999-12-31"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["seq"] for row in rows] == [1, 2, 3]
    assert set(rows[0]) == {
        "seq",
        "at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "summary",
        "prev_hash",
        "hash",
    }
    assert rows[0]["at"].endswith("+00:00") and rows[1]["prev_hash"] == rows[0]["hash"]
    assert main(["audit", "export", "--to", "2000-01-01"]) == 0
    assert capsys.readouterr().out == ""
    target = cli_env / "export.jsonl"
    assert main(["audit", "export", "--output", str(target)]) == 0
    assert len(target.read_text().splitlines()) == 3
    assert main(["audit", "export", "--from", "yesterday"]) == 2


def test_cli_signs_tree_heads_a_witness_keeps_and_finds_a_rewritten_history(
    settings: Settings, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_database(settings, lambda: write_entries(5))
    assert main(["audit", "keygen"]) == 0
    verifier = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["audit", "keygen"]) == 2  # never over the key that signed the heads
    capsys.readouterr()
    assert main(["audit", "sign"]) == 0
    assert capsys.readouterr().out.split("\n")[1] == "5"
    in_database(settings, lambda: write_entries(3))
    assert main(["audit", "sign"]) == 0
    witness = cli_env / "witness"
    assert main(["audit", "checkpoints", "export", "--output", str(witness)]) == 0
    assert len(list(witness.glob("*.txt"))) == 2
    capsys.readouterr()
    assert main(["audit", "verify", "--witness", str(witness), "--public-key", verifier]) == 0
    assert capsys.readouterr().out.startswith("ok: the log (8 entries) extends all 2")

    async def rewrite() -> None:
        await allow_tampering()
        await rewrite_history_from(7, {"n": "forged"})

    in_database(settings, rewrite)
    assert main(["audit", "verify", "--witness", str(witness)]) == 1
    assert capsys.readouterr().out.startswith(
        "broken: the log no longer matches the witnessed checkpoint of size 8; "
        "entries 6 to 8 were changed, the first at seq 7"
    )
    assert main(["audit", "sign"]) == 0  # nothing grew: nothing signed
    assert "has not grown" in capsys.readouterr().out


def test_cli_checkpoint_also_signs_the_tree_head_once_a_key_exists(
    settings: Settings, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_database(settings, lambda: write_entries(3))
    assert main(["audit", "checkpoint"]) == 0
    assert capsys.readouterr().out.strip().endswith(".json")  # no key yet: the chain's head only
    assert main(["audit", "keygen"]) == 0
    capsys.readouterr()
    assert main(["audit", "checkpoint"]) == 0
    printed = capsys.readouterr().out.split("\n")
    assert printed[0].endswith(".json") and printed[2] == "5"  # the head of 5 entries, signed
