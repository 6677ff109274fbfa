"""Every notice kind keeps sample data next to its templates and renders in every language.

The admin preview (/admin/notifications/templates) shows each kind with this data, so a kind
added without `templates/<kind>/sample.json` fails here, named.
"""

from __future__ import annotations

import pytest

from notifications.previews import SAMPLE_FILE, MissingSample, previews, sample_payload
from notifications.rendering import LANGUAGES, TEMPLATES_DIR, known_kinds, render


@pytest.mark.parametrize("kind", known_kinds())
def test_every_kind_has_a_sample(kind: str) -> None:
    assert (TEMPLATES_DIR / kind / SAMPLE_FILE).is_file(), (
        f"notice kind {kind!r} has no notifications/templates/{kind}/{SAMPLE_FILE}: add the "
        "sample payload the admin preview renders it with"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", known_kinds())
def test_every_kind_renders_its_sample_in_every_language(kind: str, language: str) -> None:
    try:
        payload = sample_payload(kind)
    except MissingSample as exc:
        pytest.fail(f"notice kind {kind!r}: {exc}")
    message = render(kind, language, payload)
    assert all((message.subject, message.text, message.html, message.sms)), kind


def test_the_preview_lists_every_kind_in_both_languages() -> None:
    shown = {(p.kind, p.language) for p in previews()}
    assert shown == {(k, language) for k in known_kinds() for language in LANGUAGES}


def test_a_kind_without_a_sample_is_named_in_the_error() -> None:
    with pytest.raises(MissingSample, match=r"no_such_kind/sample\.json"):
        sample_payload("no_such_kind")
