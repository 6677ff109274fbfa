"""Legal references in words: "CPL 39(2); MPS 53" becomes 《刑事诉讼法》第三十九条第二款；
《公安机关办理刑事案件程序规定》第五十三条 for a Chinese reader, and "Criminal Procedure Law,
art. 39(2); ..." for an English one. The codes stay in the catalogue, exports and the API;
pages and notices show the words. A reference this module cannot read is shown as written.
"""

from __future__ import annotations

import re
from typing import Final

SOURCES: Final[dict[str, dict[str, str]]] = {
    "CPL": {"zh-CN": "《刑事诉讼法》", "en": "Criminal Procedure Law"},
    "MPS": {"zh-CN": "《公安机关办理刑事案件程序规定》",
            "en": "Provisions on Procedures for Handling Criminal Cases by Public Security Organs"},
    "SPP": {"zh-CN": "《人民检察院刑事诉讼规则》",
            "en": "Rules of Criminal Procedure for People's Procuratorates"},
    "SPC": {"zh-CN": "《最高人民法院关于适用〈刑事诉讼法〉的解释》",
            "en": "Supreme People's Court Interpretation of the Criminal Procedure Law"},
    "R2015": {"zh-CN": "《关于依法保障律师执业权利的规定》",
              "en": "Provisions on Lawfully Safeguarding Lawyers' Practice Rights (2015)"},
    "Opinion": {"zh-CN": "《关于深化公安执法规范化建设的意见》",
                "en": "Opinion on Deepening the Standardisation of Police Law Enforcement"},
}  # fmt: skip
_ITEM: Final = re.compile(r"^(\d+)(?:\((\d+)\))?(?:-(\d+))?$")
_DIGITS: Final = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1-9999 in Chinese numerals as articles are numbered: 39 三十九, 105 一百零五."""
    if not 0 < n < 10000:
        return str(n)
    parts: list[str] = []
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(("" if (digit == 1 and unit == "十" and not parts) else _DIGITS[digit]) + unit)
    return "".join(parts)


def in_words(reference: str, language: str) -> str:
    """The whole reference, each source and article in words; unreadable parts as written."""
    segments = [s.strip() for s in reference.split(";") if s.strip()]
    words = [_segment(segment, language) for segment in segments]
    return ("；" if language != "en" else "; ").join(words)


def _segment(segment: str, language: str) -> str:
    source, _, rest = segment.partition(" ")
    names = SOURCES.get(source)
    if names is None:
        return segment
    name = names["en" if language == "en" else "zh-CN"]
    rest = re.sub(r"^(arts?\.?|Arts?\.?)\s*", "", rest.strip())
    if not rest:
        return name
    items = [i.strip() for i in rest.split(",") if i.strip()]
    matches = [_ITEM.match(item) for item in items]
    if not all(matches):
        return segment
    if language == "en":
        label = "arts." if len(items) > 1 or "-" in rest else "art."
        return f"{name}, {label} {', '.join(items)}"
    return name + "、".join(_article_zh(m) for m in matches if m)


def _article_zh(match: re.Match[str]) -> str:
    first, clause, last = match.group(1), match.group(2), match.group(3)
    text = f"第{chinese_number(int(first))}条"
    if clause:
        text += f"第{chinese_number(int(clause))}款"
    if last:
        text += f"至第{chinese_number(int(last))}条"
    return text
