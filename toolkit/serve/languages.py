"""LibreTranslate's language codes, mapped onto the toolkit's tags, and language detection.

LibreTranslate says ``zh`` for Simplified and ``zt`` for Traditional Chinese; the toolkit
translates both from their zh-Hans form and writes zh-Hant with Taiwan forms (川普, 普丁), which
is what ``zt`` means as a target. The toolkit's own tags are accepted too (``zh-Hans``,
``zh-Hant``, ``zh-Hant-HK``), so a caller can ask for Hong Kong forms.
"""

from __future__ import annotations

from collections import Counter

from toolkit.errors import UsageError

#: LibreTranslate code → name, in the order ``/languages`` lists them.
NAMES: dict[str, str] = {
    "en": "English",
    "de": "German",
    "zh": "Chinese (Simplified)",
    "zt": "Chinese (Traditional)",
}
#: Accepted target codes → the pipeline's target tag.
_TARGETS: dict[str, str] = {
    "en": "en",
    "de": "de",
    "zh": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zt": "zh-Hant-TW",
    "zh-hant": "zh-Hant-TW",
    "zh-tw": "zh-Hant-TW",
    "zh-hant-tw": "zh-Hant-TW",
    "zh-hk": "zh-Hant-HK",
    "zh-hant-hk": "zh-Hant-HK",
}
#: Accepted source codes → the pipeline's source option (Chinese of either script is "zh").
_SOURCES: dict[str, str] = {"auto": "auto", "en": "en", "de": "de"} | {
    code: "zh" for code, tag in _TARGETS.items() if tag.startswith("zh")
}


def target_tag(code: object) -> str:
    """The pipeline's target tag for a request's ``target``; :class:`UsageError` if unknown."""
    tag = _TARGETS.get(code.strip().lower()) if isinstance(code, str) else None
    if tag is None:
        raise UsageError(f"{code} is not supported")
    return tag


def source_option(code: object) -> str:
    """The pipeline's source option for a request's ``source`` (``auto`` included)."""
    option = _SOURCES.get(code.strip().lower()) if isinstance(code, str) else None
    if option is None:
        raise UsageError(f"{code} is not supported")
    return option


def public_code(tag: str) -> str:
    """The LibreTranslate code of a toolkit tag: zh-Hans → zh, zh-Hant(-TW|-HK) → zt."""
    if tag.startswith("zh-Hant"):
        return "zt"
    return "zh" if tag.startswith("zh") else tag


def _argos(code: str) -> str:
    return "zh" if code in ("zh", "zt") else code


def available() -> list[dict[str, object]]:
    """``/languages``: every language an installed package reads or writes, with the targets a
    route (direct, or pivoting through English) reaches; zh ↔ zt needs no package (OpenCC)."""
    from toolkit.mt.packages import installed_packages, route

    codes = {"zh"}
    for package in installed_packages():
        codes.update((package.from_code, package.to_code))
    listed = [code for code in NAMES if _argos(code) in codes]
    out: list[dict[str, object]] = []
    for code in listed:
        targets = [
            other
            for other in listed
            if other != code
            and (_argos(other) == _argos(code) or route(_argos(code), _argos(other)) is not None)
        ]
        out.append({"code": code, "name": NAMES[code], "targets": targets})
    return out


def detect(text: str) -> list[dict[str, object]]:
    """Candidate languages of ``text``, best first: ``{"confidence": 0–100, "language"}``.

    Each paragraph votes with its length for the language ingest gives it; a paragraph with no
    telling words (ingest then falls back to the document's majority) votes with a third of it.
    """
    from toolkit.ingest import detect as signals
    from toolkit.ingest import document_from_text

    document = document_from_text(text)
    votes: Counter[str] = Counter()
    total = 0.0
    for paragraph in document.paragraphs:
        size = min(len(paragraph.text), signals.SAMPLE_CHARS)
        total += size
        clear = signals.language(paragraph.text) is not None
        votes[public_code(paragraph.tag)] += size if clear else size / 3
    if not total:
        return [{"confidence": 0.0, "language": "en"}]
    return [
        {"confidence": round(100 * weight / total, 1), "language": code}
        for code, weight in sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    ]
