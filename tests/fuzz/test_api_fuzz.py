"""Property-based tests of the whole API from its own OpenAPI document (schemathesis).

For each role's token, schemathesis generates requests for every operation (examples, boundary
values, random valid and invalid data, and sequences along the document's links) against a
real server on the demo data, and checks every answer: no server error, every status and
content type and body as the document declares, nothing accepted that the document forbids,
nothing refused as malformed that the document allows (``hooks.py``), 405 with Allow.

The run is derandomised (a fixed seed) with a few examples per operation, so CI is quick and
repeatable; ``make fuzz`` runs 200 examples per operation with a fresh seed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.fuzz.conftest import ROLE_USERS, FuzzServer
from tests.live_server import PROJECT

EXAMPLES = int(os.environ.get("LAWMEET_FUZZ_EXAMPLES", "8"))
SEED = os.environ.get("LAWMEET_FUZZ_SEED", "20261207")
# Demo ids are small: path ids are drawn from these most of the time, so that requests reach
# real rows (and their rules) rather than only "not found".
KNOWN_IDS = range(1, 41)


def _config(base: str, folder: Path) -> Path:
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as response:  # noqa: S310
        document = json.load(response)
    names = sorted({n for path in document["paths"] for n in re.findall(r"\{(\w+)\}", path)})
    lines = [
        "[dictionaries]",
        f"known-ids = {{ values = [{', '.join(map(str, KNOWN_IDS))}] }}",
        "",
        "[parameters]",
        *(f'"path.{name}" = {{ dictionary = "known-ids", probability = 0.8 }}' for name in names),
    ]
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_the_api_answers_every_generated_request_as_its_document_says(
    fuzz_server: FuzzServer, role: str, tmp_path: Path
) -> None:
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file", str(_config(fuzz_server.base, tmp_path)),
        "run", f"{fuzz_server.base}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {fuzz_server.tokens[role]}",
        "--max-examples", str(EXAMPLES),
        "--seed", SEED,
        "--checks", "all",
        # Replaced by hooks.py's check, which tells a domain rule from a malformed request.
        "--exclude-checks", "positive_data_acceptance",
        "--workers", "1",
        "--continue-on-failure",
        "--no-color",
    ]  # fmt: skip
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks", "PYTHONPATH": str(PROJECT)}
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-30_000:]
    counted = re.search(r"(\d+) generated, (\d+) passed", report)
    assert counted, report[-5_000:]
    # The figures of a run (make fuzz shows them with -s): cases generated and passed.
    print(f"{role}: {counted.group(0)}")
