"""The glossary matcher: scripts, inflection, boundaries, case, overlaps, and the seeds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.glossary.inflect import declensions, inflected_forms
from toolkit.glossary.match import Matcher, match_key, matcher_for
from toolkit.glossary.store import load_glossary
from toolkit.models import Segment

DATA = Path(__file__).parent / "data" / "glossary"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(DATA / "basic")


@pytest.fixture(scope="module")
def matcher(glossary):
    return matcher_for(glossary)


def _hits(matcher, text, lang=None):
    return [(m.surface, m.concept) for m in matcher.find(text, lang)]


@pytest.mark.parametrize(
    ("text", "surface", "concept"),
    [
        # every script of the same concept
        ("欧洲——意願聯盟——即", "意願聯盟", "coalition-of-the-willing"),
        ("欧洲——意愿联盟——即", "意愿联盟", "coalition-of-the-willing"),
        ("欧洲——意愿聯盟——即", "意愿聯盟", "coalition-of-the-willing"),  # mixed script
        ("所谓的志愿者联盟", "志愿者联盟", "coalition-of-the-willing"),
        ("Die Koalition der Willigen tagt.", "Koalition der Willigen", "coalition-of-the-willing"),
        (
            "the coalition of the willing met",
            "coalition of the willing",
            "coalition-of-the-willing",
        ),
        ("北约最高盟军司令(SACEUR)表示", "北约最高盟军司令", "saceur"),
        ("最高盟軍司令表示", "最高盟軍司令", "saceur"),
        ("der SACEUR sagte", "SACEUR", "saceur"),
        ("川普表示", "川普", "donald-trump"),
        ("唐纳德·特朗普表示", "唐纳德·特朗普", "donald-trump"),
        ("唐纳德•特朗普表示", "唐纳德•特朗普", "donald-trump"),  # another interpunct
        ("所谓的北约欧洲支柱", "欧洲支柱", "european-pillar"),
        ("俄罗斯影子艦隊", "影子艦隊", "shadow-fleet"),
        # German inflection and compounds
        ("Sprecher des Weißen Hauses", "Weißen Hauses", "white-house"),
        ("Im Weißen Haus hieß es", "Weißen Haus", "white-house"),
        ("Das Weiße Haus reagierte", "Weiße Haus", "white-house"),
        ("die NATO-Außenminister", "NATO", "nato"),
        ("Russlands Schattenflotten", "Schattenflotten", "shadow-fleet"),
        ("den europäischen Pfeiler stärken", "europäischen Pfeiler", "european-pillar"),
        ("des europäischen Pfeilers", "europäischen Pfeilers", "european-pillar"),
        ("die Koalitionen der Willigen", "Koalitionen der Willigen", "coalition-of-the-willing"),
        (
            "Sprecher des Obersten Alliierten Befehlshabers Europa",
            "Obersten Alliierten Befehlshabers Europa",
            "saceur",
        ),
        ("Selenskyjs Rede", "Selenskyjs", "volodymyr-zelensky"),
        ("im Kreml", "Kreml", "kremlin"),
        ("des Kremls", "Kremls", "kremlin"),
        ("Russia's shadow fleets", "shadow fleets", "shadow-fleet"),
        # punctuation, width and apostrophe variants
        ("NATO’s European pillar", "NATO’s European pillar", "european-pillar"),
        ("ＮＡＴＯ summit", "ＮＡＴＯ", "nato"),
        ("Ziel von 5 % des BIP", "5 % des BIP", "gdp-target"),
        ("SAMP/T NG systems", "SAMP/T NG", "samp-t"),
    ],
)
def test_surface_maps_to_concept(matcher, text, surface, concept):
    assert (surface, concept) in _hits(matcher, text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("die neue EUISS-Studie", "eu"),  # EU is not inside EUISS
        ("neu und teuer", "eu"),
        ("eu sagte", "eu"),  # EU is case-sensitive
        ("the Eu summit", "eu"),
        ("Die Koalition tagt.", "coalition-of-the-willing"),  # a bare Koalition
        ("die Flotte lief aus", "shadow-fleet"),
        ("Schattenflottentanker", "shadow-fleet"),  # no ending accepted beyond the listed ones
        ("EUs", "eu"),  # acronyms do not inflect
        ("Kremlinology", "kremlin"),
        ("saceur", "saceur"),
        ("SAMP-T NG", "samp-t"),  # punctuation inside a term is exact
        ("Pentagonal", "pentagon"),
    ],
)
def test_no_hit_without_boundary_or_case(matcher, text, absent):
    assert absent not in [concept for _surface, concept in _hits(matcher, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chinese characters as boundaries: 我们的SACEUR表示", [("SACEUR", "saceur")]),
        ("(EU)", [("EU", "eu")]),
        ("EU-Kommission", [("EU", "eu")]),
        ("EUISS", [("EUISS", "euiss")]),
        ("EU Institute for Security Studies", [("EU Institute for Security Studies", "euiss")]),
    ],
)
def test_latin_boundaries(matcher, text, expected):
    assert _hits(matcher, text) == expected


def test_longest_leftmost_wins(matcher):
    # 北约, 北约最高盟军司令 and 最高盟军司令 overlap here: the longest at the left wins.
    assert _hits(matcher, "北约最高盟军司令说") == [("北约最高盟军司令", "saceur")]
    # The forbidden 荷兰首相吕特 contains 吕特: one hit, the longer one.
    assert _hits(matcher, "荷兰首相吕特说") == [("荷兰首相吕特", "mark-rutte")]
    assert _hits(matcher, "马克·吕特和吕特") == [
        ("马克·吕特", "mark-rutte"),
        ("吕特", "mark-rutte"),
    ]


def test_term_choice_follows_surface_and_language(matcher):
    (hant,) = matcher.find("北約")
    assert hant.term.lang == "zh-Hant" and hant.term.text == "北約"
    (mixed_hant,) = matcher.find("意愿聯盟", "zh-Hant")
    (mixed_hans,) = matcher.find("意愿聯盟", "zh-Hans")
    assert mixed_hant.term.lang == "zh-Hant"
    assert mixed_hans.term.lang == "zh-Hans"
    (german,) = matcher.find("NATO", "de")
    assert german.term.lang == "de"


def test_same_input_same_output(glossary):
    text = "北约最高盟军司令(SACEUR)与意愿聯盟, des Weißen Hauses, EU und EUISS " * 3
    first = Matcher.from_glossary(glossary).find(text)
    second = Matcher.from_glossary(glossary).find(text)
    assert first == second
    assert first  # the text does contain terms


def test_scan_reports_offsets_in_each_segment(matcher):
    texts = ["北约最高盟军司令(SACEUR)表示。", "Das Weiße Haus und die EU.", "", "意願聯盟"]
    segments = [_segment(f"d-p001-s{n:02d}", text) for n, text in enumerate(texts, 1)]
    hits = list(matcher.scan(segments))
    for hit in hits:
        text = texts[int(hit.segment[-2:]) - 1]
        assert text[hit.start : hit.end] == hit.surface
    expected = [(s.id, m.start, m.concept) for s in segments for m in matcher.find(s.text, s.tag)]
    assert [(h.segment, h.start, h.concept) for h in hits] == expected


def test_empty_glossary_matches_nothing():
    from toolkit.glossary.model import Glossary

    assert Matcher.from_glossary(Glossary(())).find("NATO 北约") == []


def _segment(seg_id: str, text: str) -> Segment:
    han = any("\u4e00" <= c <= "\u9fff" for c in text)
    return Segment(
        id=seg_id,
        doc=seg_id.split("-")[0],
        start=0,
        end=len(text),
        text=text,
        norm=text,
        lang="zh" if han else "de",
        script="Hans" if han else "Latn",
        kind="body",
        paragraph=1,
        line=1,
    )


_FILLER = st.one_of(
    st.text(
        alphabet=st.sampled_from(list("abcEUNATO äöüß-’'()·.，。的了在 \n北约欧洲美國特朗普5%")),
        max_size=12,
    ),
    st.text(max_size=6),  # any Unicode text, NUL and astral characters included
)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_hit_spans_equal_surfaces_and_never_overlap(matcher, glossary, data):
    forms = [
        form for _c, term in glossary.terms() for form in inflected_forms(term.text, term.lang)
    ]
    pieces = data.draw(st.lists(st.one_of(_FILLER, st.sampled_from(forms)), max_size=12))
    text = "".join(pieces)
    previous_end = 0
    for match in matcher.find(text):
        assert text[match.start : match.end] == match.surface
        assert match.start >= previous_end
        assert match.end > match.start
        previous_end = match.end
    segments = [_segment(f"x-p001-s{n:02d}", piece) for n, piece in enumerate(pieces, 1)]
    for hit in matcher.scan(segments):
        piece = pieces[int(hit.segment[-2:]) - 1]
        assert piece[hit.start : hit.end] == hit.surface


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_match_key_keeps_length(text):
    assert len(match_key(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "lang", "kind", "form"),
    [
        ("Weißes Haus", "de", "organisation", "Weißen Hauses"),
        ("Weißes Haus", "de", "organisation", "Weißem Hause"),
        ("europäischer Pfeiler", "de", "policy", "europäischen Pfeilern"),
        ("Schattenflotte", "de", "policy", "Schattenflotten"),
        ("Koalition der Willigen", "de", "policy", "Koalitionen der Willigen"),
        (
            "Oberster Alliierter Befehlshaber Europa",
            "de",
            "post",
            "Obersten Alliierten Befehlshabers Europa",
        ),
        ("Wolodymyr Selenskyj", "de", "person", "Wolodymyr Selenskyjs"),
        ("shadow fleet", "en", "policy", "shadow fleets"),
    ],
)
def test_inflected_forms(text, lang, kind, form):
    assert form in inflected_forms(text, lang, kind)


@pytest.mark.parametrize(
    ("text", "lang", "kind", "not_form"),
    [
        ("Koalition der Willigen", "de", "policy", "Koalition den Willigen"),  # articles fixed
        ("NATO", "de", "organisation", "NATOs"),
        ("Donald Trump", "en", "person", "Donald Trumps"),
        ("意愿联盟", "zh-Hans", "policy", "意愿联盟s"),
    ],
)
def test_forms_not_generated(text, lang, kind, not_form):
    assert not_form not in inflected_forms(text, lang, kind)
    assert declensions(text, lang, kind)[0][0] == text


# -- the real glossary on the seeds -----------------------------------------------------------


@pytest.fixture(scope="module")
def seed_hits(root, seeds_dir):
    glossary_dir = root / "glossary"
    if not list(glossary_dir.glob("*.toml")):
        pytest.skip("the real glossary is not there yet")
    from toolkit.glossary.scan import scan_paths

    real = load_glossary(glossary_dir)
    return real, list(scan_paths([seeds_dir], real))


def _usage(seed_hits, concept, doc):
    real, hits = seed_hits
    from toolkit.glossary.scan import variant_report

    for usage in variant_report(hits, real):
        if usage.concept == concept:
            return {surface for surface, _term, _n in usage.renderings(doc)}
    return set()


@pytest.mark.parametrize(
    ("concept", "doc", "surface"),
    [
        ("coalition-of-the-willing", "000", "志愿者联盟"),
        ("coalition-of-the-willing", "002", "意愿聯盟"),
        ("saceur", "000", "北约最高盟军司令"),
        ("saceur", "000", "SACEUR"),
        ("european-pillar", "000", "欧洲支柱"),
        ("white-house", "003", "Weiße Haus"),
        ("nato", "003", "NATO"),
        ("pentagon", "003", "Pentagons"),
        ("donald-trump", "003", "Donald Trump"),
    ],
)
def test_seed_variant_report(seed_hits, concept, doc, surface):
    assert surface in _usage(seed_hits, concept, doc)


def test_seed_hits_are_spans_of_the_seeds(seed_hits, seeds_dir):
    from toolkit.segment import iter_segments

    _real, hits = seed_hits
    texts = {s.id: s.text for s in iter_segments([seeds_dir])}
    assert hits
    for hit in hits:
        assert texts[hit.segment][hit.start : hit.end] == hit.surface


def test_every_seen_variant_is_found_in_its_seed(seed_hits, seeds_dir):
    """A term marked seen in a document occurs there, and each occurrence is reported: as that
    concept, or inside a longer hit that wins under leftmost-longest (马克·吕特 over 吕特)."""
    from toolkit.segment import iter_segments

    real, hits = seed_hits
    by_segment: dict[str, list] = {}
    for hit in hits:
        by_segment.setdefault(hit.segment, []).append(hit)
    segments = list(iter_segments([seeds_dir]))
    problems = []
    for concept, term in real.terms():
        key = match_key(term.text)
        for doc in term.seen:
            occurrences = [
                (segment.id, position)
                for segment in segments
                if segment.doc == doc
                for form in inflected_forms(term.text, term.lang, concept.type)
                for position in _positions(segment.text, form, term.case_sensitive)
            ]
            if not occurrences:
                problems.append(("not in the document", doc, concept.id, term.text))
            for segment_id, position in occurrences:
                end = position + 1
                covering = [
                    h for h in by_segment.get(segment_id, []) if h.start < end and h.end > position
                ]
                if not any(
                    h.concept == concept.id or (h.end - h.start) >= len(key) for h in covering
                ):  # (a hit starting at the occurrence, or a longer one around it)
                    problems.append(("not reported", segment_id, concept.id, term.text))
    assert problems == []


def _positions(text: str, form: str, case_sensitive: bool):
    """Where ``form`` occurs in ``text`` as a whole word (Latin), in its case if it has one."""
    import re

    from toolkit.chinese import fold_keep_case
    from toolkit.glossary.match import is_word_char

    haystack = fold_keep_case(text) if case_sensitive else match_key(text)
    needle = fold_keep_case(form) if case_sensitive else match_key(form)
    for found in re.finditer(re.escape(needle), haystack):
        start, end = found.span()
        if is_word_char(needle[0]) and start > 0 and is_word_char(haystack[start - 1]):
            continue
        if is_word_char(needle[-1]) and end < len(haystack) and is_word_char(haystack[end]):
            continue
        yield start


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_numpy_and_translate_paths_agree(matcher, glossary, data, monkeypatch_module):
    """Short texts are folded with str.translate, long ones with numpy: same keys, same hits."""
    import toolkit.glossary.match as match_module

    forms = [f for _c, term in glossary.terms() for f in inflected_forms(term.text, term.lang)]
    text = "".join(data.draw(st.lists(st.one_of(_FILLER, st.sampled_from(forms)), max_size=8)))
    # Hide numpy for a moment (nothing imports it meanwhile): short texts take the str path.
    monkeypatch_module.delitem(sys.modules, "numpy", raising=False)
    small = match_module._fold_and_mark(text)
    small_hits = matcher.find(text)
    monkeypatch_module.undo()
    monkeypatch_module.setattr(match_module, "_NUMPY_FROM", 0)
    try:
        assert match_module._fold_and_mark(text) == small
        assert matcher.find(text) == small_hits
    finally:
        monkeypatch_module.undo()


@pytest.fixture(scope="module")
def monkeypatch_module():
    patcher = pytest.MonkeyPatch()
    yield patcher
    patcher.undo()
