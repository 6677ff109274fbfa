"""Reading a bar association's register file, and comparing a registration with it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.licence_register import (
    RegisterError,
    RegisterLine,
    RegisterStatus,
    compare,
    decode_register,
    parse_register,
    plain,
)

TODAY = date(2026, 12, 7)
HEADER = "执业证号,姓名,执业机构,执业状态\n"
ZHANG = "11012015110123456"
LI = "11012010110765432"


def parse(body: str, header: str = HEADER, jurisdiction: str = "110000") -> tuple[list, list]:
    return parse_register(header + body, jurisdiction, TODAY)


def test_a_practising_line_is_taken_with_its_line_number() -> None:
    taken, refused = parse(f"{ZHANG},张明,北京明德律师事务所,执业\n")
    firm = "北京明德律师事务所"
    assert taken == [RegisterLine(2, ZHANG, "张明", firm, RegisterStatus.PRACTISING)]
    assert refused == []


@pytest.mark.parametrize(
    ("word", "status"),
    [("执业", RegisterStatus.PRACTISING), ("停止执业", RegisterStatus.SUSPENDED),
     ("吊销", RegisterStatus.REVOKED), ("注销", RegisterStatus.CANCELLED),
     ("Practising", RegisterStatus.PRACTISING), ("revoked", RegisterStatus.REVOKED)],
)  # fmt: skip
def test_statuses_are_read_in_chinese_or_english(word: str, status: RegisterStatus) -> None:
    (line,), _ = parse(f"{ZHANG},张明,明德所,{word}\n")
    assert line.status == status


def test_english_headers_in_any_order_are_found() -> None:
    taken, _ = parse(f"Active,{ZHANG},明德所,张明\n", header="status,licence_number,firm,name\n")
    assert (taken[0].name, taken[0].law_firm) == ("张明", "明德所")


def test_a_missing_column_refuses_the_file_naming_it() -> None:
    with pytest.raises(RegisterError) as refused:
        parse(f"{ZHANG},张明\n", header="执业证号,姓名\n")
    assert refused.value.code == "register_header"
    assert refused.value.extensions == {"missing_columns": ["law_firm", "status"]}


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(RegisterError) as refused:
        parse_register("\n\n", "110000", TODAY)
    assert refused.value.code == "register_empty"


@pytest.mark.parametrize(
    ("line", "reason"),
    [("1101201511012345,张明,所,执业", "licence_not_17_digits"),
     ("31012015110123456,张明,所,执业", "register_outside_jurisdiction"),
     (f"{ZHANG},,所,执业", "register_name_missing"),
     (f"{ZHANG},张明,所,退休", "register_status_unknown")],
)  # fmt: skip
def test_a_bad_line_is_refused_with_its_reason_and_the_rest_taken(line: str, reason: str) -> None:
    taken, refused = parse(f"{line}\n{LI},李强,正义所,执业\n")
    assert [(r.line, r.reason) for r in refused] == [(2, reason)]
    assert [t.licence_number for t in taken] == [LI]


def test_a_licence_twice_in_the_file_keeps_the_first_line() -> None:
    taken, refused = parse(f"{ZHANG},张明,甲所,执业\n{ZHANG},张明,乙所,执业\n")
    assert [t.law_firm for t in taken] == ["甲所"]
    assert [(r.line, r.reason) for r in refused] == [(3, "register_duplicate_line")]


def test_blank_lines_are_skipped_but_counted() -> None:
    taken, _ = parse(f"\n{ZHANG},张明,明德所,执业\n")
    assert taken[0].line == 3


def test_full_width_digits_in_a_licence_are_read() -> None:
    wide = ZHANG.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    (line,), _ = parse(f"{wide},张明,所,执业\n")
    assert line.licence_number == ZHANG


def test_an_excel_export_in_gb18030_decodes() -> None:
    text = HEADER + f"{ZHANG},张明,北京明德律师事务所,执业\n"
    assert decode_register(text.encode("gb18030")) == text


def test_a_utf8_byte_order_mark_is_dropped() -> None:
    assert decode_register(b"\xef\xbb\xbf" + HEADER.encode()) == HEADER


def test_a_file_over_5_mb_is_refused() -> None:
    with pytest.raises(RegisterError) as refused:
        decode_register(b"x" * (5 * 1024 * 1024 + 1))
    assert refused.value.code == "register_too_large"


def test_a_practising_licence_under_the_same_name_is_verifiable() -> None:
    firm = "北京明德律师事务所"
    match = compare("张明", firm, ("张 明", firm, RegisterStatus.PRACTISING))
    assert match.verifiable and match.firm_matches and match.problem is None


def test_a_licence_not_on_the_register_is_not_verifiable() -> None:
    match = compare("张明", "明德所", None)
    assert (match.verifiable, match.problem) == (False, "register_licence_not_found")


def test_a_revoked_licence_is_not_verifiable() -> None:
    match = compare("张明", "明德所", ("张明", "明德所", RegisterStatus.REVOKED))
    assert (match.verifiable, match.problem) == (False, "register_not_practising")


def test_another_name_on_the_licence_is_not_verifiable() -> None:
    match = compare("张明", "明德所", ("王芳", "明德所", RegisterStatus.PRACTISING))
    assert (match.verifiable, match.problem) == (False, "register_name_differs")


def test_a_different_firm_is_shown_but_does_not_block() -> None:
    match = compare("张明", "新所", ("张明", "旧所", RegisterStatus.PRACTISING))
    assert match.verifiable and not match.firm_matches and match.register_firm == "旧所"


@given(st.text(alphabet=st.characters(categories=["Lo", "Lu", "Ll"]), min_size=1, max_size=8),
       st.sampled_from([" ", "\u3000", "\t"]))  # fmt: skip
def test_spaces_and_full_width_forms_never_change_a_name(name: str, space: str) -> None:
    spaced = space.join(name)
    assert plain(spaced) == plain(name)
