"""Sentinel protection, restoration and verification, against engines that misbehave on purpose."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.mt import protect as guard

SOURCE = "北约秘书长吕特表示,北约需要欧洲支柱。"
SLOTS = [
    guard.Slot(0, 5, "nato-secretary-general", "NATO Secretary General", False),
    guard.Slot(5, 7, "mark-rutte", "Mark Rutte", False),
    guard.Slot(10, 12, "nato", "NATO", False),
    guard.Slot(14, 18, "european-pillar", "European pillar", False),
]


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        # Adjacent Latin sentinels are written apart, so their terms come back apart.
        (guard.ACRONYM, "NATO Secretary General Mark Rutte表示,NATO需要European pillar。"),
        (guard.PRIVATE_USE, "NATO Secretary GeneralMark Rutte表示,NATO需要European pillar。"),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_echo_restores_every_term(scheme: guard.SentinelScheme, expected: str) -> None:
    protected = guard.protect(SOURCE, SLOTS, scheme)
    assert "北约" not in protected and "吕特" not in protected
    outcome = guard.restore(protected, SOURCE, SLOTS, scheme)
    assert outcome.problem is None
    assert outcome.text == expected


def mangle(text: str, how: str) -> str:
    """What real models do to placeholders (LibreTranslate#944 and friends)."""
    if how == "spaces":
        return re.sub(r"ZQX([A-Z])([A-Z])", r"Z QX \1 \2", text)
    if how == "lower":
        return text.replace("ZQX", "zqx")
    if how == "drop":
        return re.sub(r"ZQXAB", "", text, count=1)
    if how == "duplicate":
        return text.replace("ZQXAA", "ZQXAA ZQXAA", 1)
    if how == "fragment":
        return text.replace("ZQXAD", "ZQ", 1)
    raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "problem"),
    [
        ("spaces", None),
        ("lower", None),
        ("drop", "sentinel for mark-rutte dropped"),
        ("duplicate", "sentinel for nato-secretary-general duplicated"),
        ("fragment", "sentinel for european-pillar dropped"),
    ],
)
def test_restore_verifies_what_the_model_did(how: str, problem: str | None) -> None:
    protected = guard.protect(SOURCE, SLOTS, guard.ACRONYM)
    outcome = guard.restore(mangle(protected, how), SOURCE, SLOTS, guard.ACRONYM)
    assert outcome.problem == problem


def test_debris_is_a_leak_even_when_every_sentinel_came_back() -> None:
    protected = guard.protect(SOURCE, SLOTS, guard.ACRONYM)
    outcome = guard.restore(protected + " zq x", SOURCE, SLOTS, guard.ACRONYM)
    assert outcome.problem == "sentinel debris 'zq x' left in the output"


def test_schemes_already_in_the_source_are_not_used() -> None:
    assert guard.usable_schemes("ZQX appears here") == [guard.PRIVATE_USE]
    assert guard.usable_schemes("plain \ue000") == [guard.ACRONYM]
    assert guard.leaked("ZQX appears here", "ZQX appears here") is None


def test_latin_sentinels_are_kept_apart_from_words() -> None:
    source = "the NATOs plan"
    slot = [guard.Slot(4, 8, "nato", "NATO", False)]
    assert guard.protect(source, slot, guard.ACRONYM) == "the ZQXAA s plan"


def test_inline_slots_write_the_fixed_form_into_the_source() -> None:
    source = "海马斯火箭弹"
    slot = [guard.Slot(0, 3, "himars", "HIMARS", True)]
    protected = guard.protect(source, slot, guard.ACRONYM)
    assert protected == "HIMARS火箭弹"
    assert guard.restore("HIMARS rockets", source, slot, guard.ACRONYM).problem is None
    assert guard.restore("rockets", source, slot, guard.ACRONYM).problem == (
        "term 'HIMARS' missing from the output"
    )


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        (
            "NATO Secretary General and NATO",
            ["NATO", "NATO Secretary General"],
            {"NATO": 1, "NATO Secretary General": 1},
        ),
        ("NATONATO", ["NATO"], {"NATO": 2}),
        ("none", ["NATO"], {}),
    ],
)
def test_count_terms_counts_each_span_once(text: str, terms: list[str], expected: dict) -> None:
    assert dict(guard.count_terms(text, terms)) == expected


@pytest.mark.parametrize(
    ("parts", "spaced", "expected"),
    [
        (
            ["Greenland crisis", "NATO", ", said", "Mark Rutte", "."],
            True,
            "Greenland crisis NATO, said Mark Rutte.",
        ),
        (["(", "SACEUR", ")"], True, "(SACEUR)"),
        (["前", "NATO", "驻美大使"], False, "前NATO驻美大使"),
    ],
)
def test_join_pieces(parts: list[str], spaced: bool, expected: str) -> None:
    assert guard.join_pieces(parts, spaced) == expected


def test_scrub_removes_every_kind_of_debris() -> None:
    assert guard.scrub("a ZQXAB b \ue001 c zq x d", "source") == "a b c d"


text_alphabet = st.characters(codec="utf-8", exclude_categories=("Cs",))


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=text_alphabet, min_size=1, max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=6),
    garbage=st.text(alphabet=text_alphabet, max_size=40),
    scheme=st.sampled_from(guard.SCHEMES),
)
def test_placeholders_never_leak(text: str, cuts: list[int], garbage: str, scheme) -> None:
    """Whatever a model returns, restore+scrub never leaves sentinel text the source lacked."""
    bounds = sorted({min(c, len(text)) for c in cuts})
    slots = [
        guard.Slot(a, b, f"c{i}", f"T{i}", False)
        for i, (a, b) in enumerate(zip(bounds[::2], bounds[1::2], strict=False))
        if a < b
    ]
    if scheme not in guard.usable_schemes(text):
        return
    protected = guard.protect(text, slots, scheme)
    for output in (protected, garbage, protected[: len(protected) // 2] + garbage):
        outcome = guard.restore(output, text, slots, scheme)
        final = outcome.text if outcome.problem is None else guard.scrub(outcome.text, text)
        assert guard.leaked(final, text) is None
