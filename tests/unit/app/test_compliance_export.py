"""The compliance exports as files: CSV tables and breach list, one long CSV, JSON, printable
HTML; built from hand-made reports (no database)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from app.audit.chain import Break
from app.audit.verify import Outcome
from app.presentation.compliance_export import (
    breaches_csv,
    render_report_html,
    report_csv,
    report_json,
    safe_text,
    table_csv,
)
from rights_checklist.compliance_types import (
    AgencyFigures,
    Breach,
    ComplianceReport,
    FacilityFigures,
    Figure,
    ReasonCount,
    ReportScope,
    Tally,
    TrendPoint,
)

GENERATED = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
M1 = Tally(met_on_time=7, met_late=1, missed=0, open=2, not_applicable=1)
NOTICES = Tally(met_on_time=3, met_late=0, missed=1)


def a_report(facility_name: str = "北京市海淀区看守所", **scope: object) -> ComplianceReport:
    facility = FacilityFigures(
        facility_id=3,
        name=facility_name,
        tallies={Figure.MEETINGS: M1, Figure.WALK_INS: Tally()},
        median_hours=20.25,
        p90_hours=47.5,
        refusals=2,
        refusal_reasons=(
            ReasonCount("lawyer_documents_incomplete: 委托书缺失", 1),
            ReasonCount("lawyer_documents_incomplete", 1),
        ),
        facility_cancellations=1,
        breach_forecasts=0,
    )
    agency = AgencyFigures(
        agency_id=5, name="北京市公安局海淀分局", tallies={Figure.NOTICES: NOTICES}
    )
    return ComplianceReport(
        scope=ReportScope(date(2026, 9, 1), date(2026, 11, 30), **scope),  # type: ignore[arg-type]
        generated_at=GENERATED,
        totals={Figure.MEETINGS: M1, Figure.NOTICES: NOTICES},
        facilities=(facility,),
        agencies=(agency,),
        weekly=(TrendPoint("2026-W47", Figure.MEETINGS, M1),),
        monthly=(TrendPoint("2026-11", Figure.MEETINGS, M1),),
    )


def a_breach(case_number: str = "京公海刑字〔2026〕12号") -> Breach:
    return Breach(
        case_id=12,
        case_number=case_number,
        duty_id="M1",
        occurrence="request:4",
        status="met_late",
        facility_id=3,
        facility_name="北京市海淀区看守所",
        agency_id=5,
        agency_name="北京市公安局海淀分局",
        arose_at=datetime(2026, 11, 2, 1, 0, tzinfo=UTC),
        due_at=datetime(2026, 11, 4, 2, 0, tzinfo=UTC),
        fulfilled_at=datetime(2026, 11, 4, 8, 30, tzinfo=UTC),
        hours_late=6.5,
    )


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_facility_table_keeps_chinese_names_and_parses_back() -> None:
    rows = parsed(table_csv(a_report(), "facilities", "zh-CN"))
    assert rows[0][0] == "看守所"
    assert rows[1][0] == "北京市海淀区看守所"
    assert len(rows) == 2 and all(len(row) == len(rows[0]) for row in rows)


def test_headers_follow_the_locale() -> None:
    english = parsed(table_csv(a_report(), "facilities", "en"))[0]
    assert english[0] == "Detention centre"
    assert "Meetings within 48 hours (M1): Share on time" in english


def test_shares_are_percentages_with_one_decimal_and_hours_one_decimal() -> None:
    header, row = parsed(table_csv(a_report(), "facilities", "en"))
    cells = dict(zip(header, row, strict=True))
    assert cells["Meetings within 48 hours (M1): Share on time"] == "87.5%"
    assert cells["Meetings within 48 hours (M1): Met on time"] == "7"
    assert cells["Walk-ins met within 48 hours (M2): Share on time"] == ""  # nothing judged
    assert cells["Median hours from request to meeting"] == "20.2"  # 20.25 rounds half even
    assert cells["90th percentile hours from request to meeting"] == "47.5"


def test_refusal_reasons_are_grounds_without_their_free_text() -> None:
    header, row = parsed(table_csv(a_report(), "facilities", "en"))
    reasons = dict(zip(header, row, strict=True))["Reasons stated"]
    assert reasons == "One of the three documents is missing (2)"
    assert "委托书" not in table_csv(a_report(), "facilities", "zh-CN")


def test_bom_only_when_asked() -> None:
    assert not table_csv(a_report(), "agencies", "zh-CN").startswith("\ufeff")
    assert table_csv(a_report(), "agencies", "zh-CN", bom=True).startswith("\ufeff")
    assert breaches_csv([a_breach()], "zh-CN", bom=True).startswith("\ufeff")
    assert report_csv(a_report(), "zh-CN", bom=True).startswith("\ufeff")
    assert not report_csv(a_report(), "zh-CN").startswith("\ufeff")


def test_agency_table_has_a_row_per_agency() -> None:
    header, row = parsed(table_csv(a_report(), "agencies", "en"))
    cells = dict(zip(header, row, strict=True))
    assert cells["Agency"] == "北京市公安局海淀分局"
    assert cells["Notices to the lawyer on time (N1-N5): Share on time"] == "75.0%"
    assert cells["Written opinions attached (O1): Met on time"] == "0"


def test_trend_table_lists_weeks_then_months() -> None:
    rows = parsed(table_csv(a_report(), "trends", "en"))
    assert [row[:2] for row in rows[1:]] == [["Week", "2026-W47"], ["Month", "2026-11"]]


def test_formula_like_names_get_a_leading_apostrophe() -> None:
    for name in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)"):
        rows = parsed(table_csv(a_report(facility_name=name), "facilities", "en"))
        assert rows[1][0] == "'" + name
    assert safe_text("看守所=1") == "看守所=1"
    rows = parsed(breaches_csv([a_breach(case_number="=1+1")], "en"))
    assert rows[1][0] == "'=1+1"


def test_breach_rows_show_local_times_and_duty_titles() -> None:
    header, row = parsed(breaches_csv([a_breach()], "zh-CN"))
    assert row[0] == "京公海刑字〔2026〕12号"
    assert row[1] == "M1"
    assert row[2] == "48小时内安排会见"
    assert "2026-11-02 09:00" in row  # 01:00 UTC on the Beijing clock
    assert row[-1] == "6.5"
    assert "Asia/Shanghai" in header[7]


def test_empty_breach_list_is_just_the_header() -> None:
    assert len(parsed(breaches_csv([], "zh-CN"))) == 1


def test_the_long_report_has_every_section_and_square_rows() -> None:
    rows = parsed(report_csv(a_report(jurisdiction="11"), "en"))
    width = len(rows[0])
    assert all(len(row) == width for row in rows)
    sections = {row[0] for row in rows[1:]}
    assert sections == {"Scope", "All in scope", "Detention centres", "Agencies", "By week",
                        "By month"}  # fmt: skip
    scope = {row[1]: row[-1] for row in rows if row[0] == "Scope"}
    assert scope["Period from"] == "2026-09-01" and scope["Jurisdiction"] == "11"
    m1_rows = [r for r in rows if r[0] == "Detention centres" and r[2].endswith("(M1)")]
    assert m1_rows[0][1] == "北京市海淀区看守所" and m1_rows[0][8] == "87.5%"


def test_json_has_stable_english_keys_iso_dates_and_round_trips() -> None:
    data = report_json(a_report(facility_id=3))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["scope"] == {"period_from": "2026-09-01", "period_to": "2026-11-30",
                             "jurisdiction": None, "facility_id": 3, "agency_id": None}  # fmt: skip
    assert data["generated_at"] == "2026-11-26T02:00:00+00:00"
    assert data["totals"]["meetings"]["on_time_share"] == 0.875
    assert data["facilities"][0]["name"] == "北京市海淀区看守所"
    assert data["facilities"][0]["figures"]["walk_ins"]["on_time_share"] is None
    assert data["trends"]["month"][0] == {"bucket": "2026-11", "figure": "meetings",
                                          **data["totals"]["meetings"]}  # fmt: skip


def test_the_printable_report_is_a_standalone_document_with_scope_and_figures() -> None:
    outcome = Outcome(entries_checked=42, head_seq=42, head_hash="a" * 64, broken=None)
    html = render_report_html(a_report(jurisdiction="11", facility_id=3), "zh-CN", outcome)
    assert html.startswith("<!doctype html>") and "<style>" in html and "@media print" in html
    assert "2026-09-01 – 2026-11-30" in html
    assert "北京市海淀区看守所" in html and "北京市公安局海淀分局" in html
    assert "2026-11-26 10:00:00" in html  # generated, on the Beijing clock
    assert "87.5% (7/8)" in html
    assert html.count("<svg") >= 2 and "<script" not in html
    assert "完整" in html  # the chain is intact


def test_the_report_names_a_broken_chain_and_a_missing_verification() -> None:
    broken = Outcome(entries_checked=9, head_seq=9, head_hash="b" * 64,
                     broken=Break(seq=10, reason="altered"))  # fmt: skip
    html = render_report_html(a_report(), "en", broken)
    assert "Broken" in html and "first bad entry: 10" in html and "an entry was altered" in html
    assert "could not be verified" in render_report_html(a_report(), "en", None)


def test_the_report_can_link_its_stylesheet_instead() -> None:
    html = render_report_html(a_report(), "en", None, inline_css=False)
    assert "<style>" not in html and 'href="/static/compliance_report.css"' in html
