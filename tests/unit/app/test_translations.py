"""The Chinese catalogue keeps up with the sources: every message translated, placeholders intact.

The messages are extracted here the way `make messages` extracts them (babel.cfg's method map,
the same keywords), so a new English text without a Chinese translation fails this test. To fix
a failure: run `make messages`, then translate the new entries of
app/presentation/translations/zh_CN/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from app.presentation import i18n

ROOT = Path(__file__).resolve().parents[3]
MAPPING_FILE = ROOT / "babel.cfg"
# The keywords `make messages` passes to `pybabel extract` (added to Babel's defaults).
KEYWORDS = {**DEFAULT_KEYWORDS, **parse_keywords(["_", "gettext", "ngettext:1,2"])}

# printf-style conversions as `%` applies them (Jinja's newstyle gettext always does), and
# str.format fields; `{{`/`}}` are escaped braces, not fields.
PERCENT = re.compile(r"%(?:\(\w+\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:.\[][^{}]*)?\}(?!\})")


def _not_hidden(dirpath: str) -> bool:
    """pybabel's default --ignore-dirs: skip hidden folders such as .venv."""
    return not Path(dirpath).name.startswith(".")


Key = tuple[str | None, str]  # (message context, msgid or the singular of a plural)


@cache
def extracted() -> dict[Key, str | tuple[str, ...]]:
    """Every message of the files babel.cfg maps: (context, msgid) -> the extracted id."""
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING_FILE))  # type: ignore[no-untyped-call]
    found: dict[Key, str | tuple[str, ...]] = {}
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_not_hidden,
    ):
        msgid = message if isinstance(message, str) else tuple(message)
        if msgid:
            found[(context, msgid if isinstance(msgid, str) else msgid[0])] = msgid
    return found


def _catalogue(folder: str) -> Catalog:
    path = i18n.TRANSLATIONS_DIR / folder / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=folder)


@cache
def chinese() -> Catalog:
    return _catalogue("zh_CN")


def _strings(message: Message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return tuple(text or "" for text in strings)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def test_the_sources_have_messages() -> None:
    assert len(extracted()) > 400
    assert (None, "Sign in") in extracted()


def test_every_message_has_a_chinese_translation() -> None:
    catalogue = chinese()
    missing = []
    for (context, key), msgid in sorted(extracted().items(), key=lambda item: item[0][1]):
        entry = catalogue.get(msgid, context=context)
        if context is not None:
            key = f"{key} (context {context!r})"
        if entry is None:
            missing.append(f"{key!r} (not in the catalogue)")
        elif entry.fuzzy:
            missing.append(f"{key!r} (fuzzy)")
        elif isinstance(msgid, tuple) != entry.pluralizable:
            missing.append(f"{key!r} (plural in one place, singular in the other)")
        elif not all(s.strip() for s in _strings(entry)):
            missing.append(f"{key!r} (empty)")
    assert not missing, (
        f"{len(missing)} message(s) lack a Chinese translation; run `make messages` and "
        "translate them in app/presentation/translations/zh_CN/LC_MESSAGES/messages.po:\n  "
        + "\n  ".join(missing)
    )


def test_chinese_has_one_plural_form() -> None:
    catalogue = chinese()
    assert catalogue.num_plurals == 1
    assert catalogue.plural_expr == "0"
    for entry in catalogue:
        if entry.id and entry.pluralizable:
            assert len(_strings(entry)) == 1, entry.id


def _placeholders(text: str) -> tuple[set[str], set[str]]:
    return set(PERCENT.findall(text)), set(BRACE.findall(text))


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    wrong = []
    for entry in chinese():
        if not entry.id:
            continue
        ids = _ids(entry)
        expected_percent: set[str] = set()
        expected_brace: set[str] = set()
        for text in ids:
            percent, brace = _placeholders(text)
            expected_percent |= percent
            expected_brace |= brace
        for text in _strings(entry):
            if not text:
                continue
            percent, brace = _placeholders(text)
            if (percent, brace) != (expected_percent, expected_brace):
                wrong.append(
                    f"{ids[0]!r}: expected {sorted(expected_percent | expected_brace)}, "
                    f"found {sorted(percent | brace)} in {text!r}"
                )
            elif "%" in PERCENT.sub("", text):
                wrong.append(f"{ids[0]!r}: a lone '%' in {text!r} (write '%%')")
    assert not wrong, "Placeholders differ from the message id:\n  " + "\n  ".join(wrong)


def test_translations_format_like_their_messages() -> None:
    """Templates apply `%` to every translation; a translation must format where its id does."""
    for entry in chinese():
        if not entry.id or not entry.python_format:
            continue
        names = {name for text in _ids(entry) for name in re.findall(r"%\((\w+)\)", text)}
        values = dict.fromkeys(names, "x")
        for text in _strings(entry):
            assert text % values, entry.id


def test_english_catalogue_is_the_message_ids() -> None:
    """English needs no translation: its catalogue exists (same tooling) with empty strings."""
    english = _catalogue("en")
    assert [entry.id for entry in english if entry.id and any(_strings(entry))] == []


@pytest.mark.parametrize(
    ("english", "chinese_text"),
    [
        ("Sign in", "登录"),
        ("Sign out", "退出登录"),
        ("Defence lawyer", "辩护律师"),
        ("Detention-centre staff", "看守所民警"),
        ("Practice-licence number", "律师执业证号"),
        ("Power of attorney", "授权委托书"),
        ("Legal-aid letter", "法律援助公函"),
        ("Audit trail", "审计日志"),
    ],
)
def test_the_app_loads_the_chinese_catalogue(english: str, chinese_text: str) -> None:
    assert i18n.translations_for("zh-CN").gettext(english) == chinese_text
    assert i18n.translations_for("en").gettext(english) == english


def test_plural_messages_are_chinese_for_any_count() -> None:
    translations = i18n.translations_for("zh-CN")
    for count in (1, 2):
        text = translations.ngettext("%(num)s missing", "%(num)s missing", count)
        assert text % {"num": count} == f"缺 {count} 份"
