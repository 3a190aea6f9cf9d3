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


# -- blockers (Term.not_in) ---------------------------------------------------------------------

TRICKY_TOML = """\
[[concept]]
id = "eu"
type = "organisation"
terms = [
  { lang = "en", text = "EU", status = "preferred", case_sensitive = true },
  { lang = "zh-Hans", text = "欧盟", status = "preferred", not_in = ["东欧盟友", "中东欧盟友"] },
  { lang = "zh-Hant", text = "歐盟", status = "preferred" },
  { lang = "zh-Hans", text = "欧盟27国", status = "admitted" },
  { lang = "de", text = "Europäische Union", status = "preferred" },
  { lang = "de", text = "Union", status = "admitted", not_in = ["Union Berlin"] },
]

[[concept]]
id = "eastern-europe"
type = "place"
terms = [
  { lang = "zh-Hans", text = "东欧", status = "preferred" },
  { lang = "en", text = "Eastern Europe", status = "preferred" },
]

[[concept]]
id = "middle-east"
type = "place"
terms = [
  { lang = "zh-Hans", text = "中东", status = "preferred", not_in = ["中东欧"] },
]

[[concept]]
id = "us-congress"
type = "organisation"
terms = [
  { lang = "zh-Hans", text = "国会", status = "preferred", not_in = ["美国会"] },
  { lang = "de", text = "Kongress", status = "preferred" },
]

[[concept]]
id = "united-states"
type = "place"
terms = [
  { lang = "zh-Hans", text = "美国", status = "preferred" },
  { lang = "en", text = "US", status = "preferred", case_sensitive = true },
]

[[concept]]
id = "der-agency"
type = "organisation"
terms = [
  { lang = "en", text = "DER", status = "admitted", case_sensitive = true, form = "acronym" },
  { lang = "en", text = "Defence Export Registry", status = "preferred" },
]

[[concept]]
id = "european-council"
type = "organisation"
terms = [
  { lang = "de", text = "Europäischer Rat", status = "preferred" },
  { lang = "de", text = "Rat der Europäischen Union", status = "admitted" },
  { lang = "en", text = "European Council", status = "preferred" },
]

[[concept]]
id = "council"
type = "organisation"
terms = [
  { lang = "de", text = "Rat", status = "preferred" },
  { lang = "en", text = "Council", status = "preferred" },
]

[[concept]]
id = "samp-t"
type = "weapon"
terms = [
  { lang = "en", text = "SAMP/T NG", status = "preferred", case_sensitive = true, dnt = true },
  { lang = "de", text = "5 % des BIP", status = "preferred" },
]
"""


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tricky")
    (folder / "terms.toml").write_text(TRICKY_TOML, encoding="utf-8")
    return load_glossary(folder)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("东欧盟友", [("东欧", "eastern-europe")]),  # the blocker wins, 东欧 still found
        ("東歐盟友們", [("東歐", "eastern-europe")]),  # folded like every key
        ("东欧盟友和欧盟", [("东欧", "eastern-europe"), ("欧盟", "eu")]),
        # 中东欧盟友 blocks the EU, 中东欧 the Middle East; 东欧 inside them stands
        ("中东欧盟友", [("东欧", "eastern-europe")]),
        ("中东局势", [("中东", "middle-east")]),
        ("美国会说", [("美国", "united-states")]),
        ("国会通过", [("国会", "us-congress")]),
        ("欧盟27国", [("欧盟27国", "eu")]),
        ("欧盟271", [("欧盟", "eu")]),  # a key ending in a digit keeps its word boundary
        ("Union Berlin gewinnt", []),
        ("die Europäische Union", [("Europäische Union", "eu")]),  # the longer term wins
        ("die Union und der Rat", [("Union", "eu"), ("Rat", "council")]),
        (
            "des Rates der Europäischen Union",
            [("Rates der Europäischen Union", "european-council")],
        ),
        ("der Europäische Rat", [("Europäische Rat", "european-council")]),
        ("der DER und der Rat", [("DER", "der-agency"), ("Rat", "council")]),  # not "der"
        ("Die US-Regierung", [("US", "united-states")]),
        ("Wir schaffen das: us", []),
        ("SAMP/T NG und 5 % des BIP", [("SAMP/T NG", "samp-t"), ("5 % des BIP", "samp-t")]),
        ("SAMP/T Ng", []),
    ],
)
def test_blockers_and_boundaries(tricky, text, expected):
    assert _hits(matcher_for(tricky), text) == expected


def test_real_glossary_blocks_eastern_european_allies(root):
    if not list((root / "glossary").glob("*.toml")):
        pytest.skip("the real glossary is not there yet")
    real = matcher_for(load_glossary(root / "glossary"))
    assert "european-union" not in [c for _s, c in _hits(real, "東歐盟友與北歐盟友")]
    assert ("歐盟", "european-union") in _hits(real, "東歐盟友與歐盟")


def test_not_in_must_contain_the_term(tmp_path):
    from typer.testing import CliRunner

    from toolkit.cli.app import app
    from toolkit.errors import GlossaryError
    from toolkit.glossary.store import read_concepts

    text = TRICKY_TOML.replace('not_in = ["美国会"]', 'not_in = ["美国队"]')
    text = text.replace('lang = "zh-Hant", text = "歐盟"', 'lang = "xx", text = "歐盟"')
    file = tmp_path / "terms.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError):
        read_concepts(file)
    errors: list[GlossaryError] = []
    concepts = read_concepts(file, errors)
    assert [c.id for c in concepts] == [
        "eastern-europe",
        "middle-east",
        "united-states",
        "der-agency",
        "european-council",
        "council",
        "samp-t",
    ]
    lines = text.splitlines()
    bad_lang, bad_blocker = (
        next(number for number, line in enumerate(lines, 1) if needle in line)
        for needle in ('text = "歐盟"', 'text = "国会"')
    )
    assert [(e.line, "xx" in e.message, "美国队" in e.message) for e in errors] == [
        (bad_lang, True, False),
        (bad_blocker, False, True),
    ]
    result = CliRunner().invoke(app, ["glossary", "validate", "--glossary", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    reported = result.stdout.splitlines()
    assert len(reported) == 2
    assert reported[1].startswith(f"{file}:{bad_blocker}: ")
    assert "not_in entry '美国队' does not contain '国会'" in reported[1]


# -- inflect's shortcut for the automaton keys --------------------------------------------------

_GERMAN_WORDS = [
    "Weißes",
    "Haus",
    "europäischer",
    "Pfeiler",
    "der",
    "die",
    "Koalition",
    "Willigen",
    "NATO-Gipfel",
    "Artikel",
    "5",
    "ab",
    "Oberster",
    "Alliierter",
    "Befehlshaber",
    "Europa",
    "Schattenflotte",
    "neue",
    "Union",
    "Ärzte",
    "Maß",
    "gegen",
    "x",
    "US-Kriegsministerium",
    "Selenskyj",
    "Rat",
    "Rates",
    "europäischen",
]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(_GERMAN_WORDS), min_size=1, max_size=5),
    kind=st.sampled_from(["policy", "person", "organisation"]),
    lang=st.sampled_from(["de", "en"]),
)
def test_last_words_cover_every_form(words, kind, lang):
    from toolkit.glossary.inflect import last_words

    text = " ".join(words)
    spelled = {
        (form + ending).rsplit(" ", 1)[-1]
        for form, endings in declensions(text, lang, kind)
        for ending in endings
    }
    assert spelled <= last_words(text, lang, kind)


# -- differential: the matcher against a brute-force reference ----------------------------------

_STATUS = {"preferred": 0, "admitted": 1, "forbidden": 2}
_LANGS = {"en": 0, "zh-Hans": 1, "zh-Hant": 2, "de": 3}


def _reference(glossary, text, lang=None):
    """Leftmost-longest over every occurrence of every indexed string, the obvious way."""
    from collections import defaultdict

    from toolkit.chinese import fold, fold_keep_case
    from toolkit.glossary.inflect import EXACT
    from toolkit.glossary.match import is_word_char

    best = {c.id: min(_STATUS[t.status] for t in c.terms) for c in glossary}
    folded = fold(text)
    spans = defaultdict(list)
    for concept, term in glossary.terms():
        plain = term.case_sensitive or term.dnt or term.form == "acronym"
        if term.lang in ("de", "en") and not plain:
            pairs = declensions(term.text, term.lang, concept.type)
        else:
            pairs = [(term.text, EXACT)]
        strings = [(f + e, f, n > 0) for n, (f, ends) in enumerate(pairs) for e in ends]
        strings += [(context, None, False) for context in term.not_in]
        for string, written, declined in strings:
            key = fold(string)
            at = folded.find(key) if key.strip() else -1
            while at != -1:
                end = at + len(key)
                fits = not (is_word_char(key[0]) and at and is_word_char(folded[at - 1]))
                fits &= not (
                    is_word_char(key[-1]) and end < len(text) and is_word_char(folded[end])
                )
                if fits and written is not None and term.case_sensitive:
                    fits = fold_keep_case(text[at:end]) == fold_keep_case(written)
                if fits:
                    spans[at, end].append((concept.id, term, written, declined))
                at = folded.find(key, at + 1)
    hits, last_end, removals = [], 0, []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < last_end:
            continue
        surface = text[start:end]
        real = [
            c
            for c in spans[start, end]
            if c[2] is not None
            and not any(low <= start and end <= high and c[0] in ids for low, high, ids in removals)
        ]
        if real:
            concept, term, _, _ = min(
                real,
                key=lambda c: (
                    c[3],
                    best[c[0]],
                    c[0],
                    c[2] != surface,
                    c[1].lang != lang,
                    _STATUS[c[1].status],
                    _LANGS.get(c[1].lang, 9),
                    c[1].text,
                ),
            )
            hits.append((start, end, surface, concept, term))
            last_end = end
        elif blocked := {c[0] for c in spans[start, end] if c[2] is None}:
            removals.append((start, end, blocked))
    return hits


def _indexed_strings(glossary):
    strings = set()
    for concept, term in glossary.terms():
        strings.update(inflected_forms(term.text, term.lang, concept.type))
        strings.update(term.not_in)
    return sorted(strings)


def _colliding():
    """Terms whose forms coincide across concepts, languages and indexing (a German phrase is
    indexed by its last word, an English or person name whole): the ranking decides."""
    from toolkit.glossary.model import Glossary
    from toolkit.models import Concept, Term

    return Glossary(
        (
            Concept("b-council", "organisation", (Term("Europäischer Rat", "de"),)),
            Concept("a-council", "person", (Term("Europäischer Rat", "de", "admitted"),)),
            Concept("c-council", "policy", (Term("europäischen Rat", "en"), Term("Rat", "de"))),
            Concept(
                "d-union",
                "organisation",
                (Term("Europäische Union", "de"), Term("EUROPÄISCHE UNION", "en", "forbidden")),
            ),
            Concept("e-union", "organisation", (Term("Union", "de", not_in=("Union Berlin",)),)),
        )
    )


@pytest.fixture(scope="module", params=["basic", "tricky", "colliding"])
def both_ways(request, glossary, tricky):
    """The glossary, and its matcher built and run with str.translate and with numpy."""
    import toolkit.glossary.match as match_module

    chosen = {"basic": glossary, "tricky": tricky, "colliding": _colliding()}[request.param]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(match_module, "_NUMPY_FROM", 1 << 60)
        patch.setattr(match_module, "_NUMPY_LOADED_FROM", 1 << 60)
        by_str = Matcher.from_glossary(chosen)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(match_module, "_NUMPY_FROM", 0)
        by_numpy = Matcher.from_glossary(chosen)
    return chosen, by_str, by_numpy, _indexed_strings(chosen)


_NOISE = st.one_of(
    st.text(
        alphabet=st.sampled_from(list("aeinrsuEUD -/%’'()·.,，。的欧东中美国会\x00")), max_size=8
    ),
    st.text(max_size=4),
)


def _variants(string):
    return st.sampled_from([string, string.upper(), string.lower(), string.title()])


@settings(max_examples=250, deadline=None)
@given(data=st.data())
def test_matcher_agrees_with_the_reference(both_ways, data):
    import toolkit.glossary.match as match_module

    chosen, by_str, by_numpy, strings = both_ways
    pieces = data.draw(
        st.lists(st.one_of(_NOISE, st.sampled_from(strings).flatmap(_variants)), max_size=10)
    )
    text = data.draw(st.sampled_from(["", " ", "-"])).join(pieces)
    lang = data.draw(st.sampled_from([None, "de", "zh-Hant", "en"]))
    expected = _reference(chosen, text, lang)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(match_module, "_NUMPY_FROM", 1 << 60)
        patch.setattr(match_module, "_NUMPY_LOADED_FROM", 1 << 60)
        assert [tuple(m)[:5] for m in by_str.find(text, lang)] == expected
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(match_module, "_NUMPY_FROM", 0)
        assert [tuple(m)[:5] for m in by_numpy.find(text, lang)] == expected


def test_first_hits_from_several_threads(tricky):
    """Keys are worked out at their first hit: threads sharing a new matcher see the same hits."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [
        "东欧盟友和欧盟,美国会说;des Rates der Europäischen Union, der DER, SAMP/T NG " * n
        for n in range(1, 9)
    ]
    expected = [Matcher.from_glossary(tricky).find(text) for text in texts]
    shared = Matcher.from_glossary(tricky)
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(shared.find, texts * 4))
    assert found == expected * 4


@pytest.mark.parametrize(
    ("concept_type", "written", "derived"),
    [
        # a post written in the everyday style gets the formal one, and back
        ("post", "俄罗斯外交部长", {"俄罗斯外交部部长"}),
        ("post", "波兰国防部部长", {"波兰国防部长"}),
        ("post", "俄罗斯外长", set()),  # 外长 is its own short form, written where used
        ("organisation", "俄罗斯外交部长办公室", set()),  # only posts are titles
        # German: the feminine title, and "amerikanischer X" beside "US-X"
        ("post", "deutscher Außenminister", {"deutsche Außenministerin"}),
        (
            "post",
            "stellvertretender russischer Außenminister",
            {"stellvertretende russische Außenministerin"},
        ),
        (
            "post",
            "Präsident der Europäischen Kommission",
            {"Präsidentin der Europäischen Kommission"},
        ),
        ("post", "Kremlchef", {"Kremlchefin"}),
        (
            "post",
            "US-Botschafter bei den Vereinten Nationen",
            {
                "amerikanischer Botschafter bei den Vereinten Nationen",
                "US-Botschafterin bei den Vereinten Nationen",
                "amerikanische Botschafterin bei den Vereinten Nationen",
            },
        ),
        ("post", "US-Sondergesandter", {"amerikanischer Sondergesandter"}),  # adjectival noun
        ("post", "Oberster Alliierter Befehlshaber Europa", set()),
        ("organisation", "deutscher Botschafter", set()),
    ],
)
def test_titles_are_derived_in_their_other_forms(concept_type, written, derived):
    from toolkit.glossary.store import with_derived_titles
    from toolkit.models import Concept, Term

    lang = "de" if written.isascii() or " " in written or "ä" in written else "zh-Hans"
    concept = Concept(id="x", type=concept_type, terms=(Term(written, lang),))
    added = {t.text for t in with_derived_titles(concept).terms if t.derived}
    assert added == derived
    for term in with_derived_titles(concept).terms:
        if term.derived:
            assert term.status == "admitted" and not term.seen


@pytest.mark.parametrize(
    ("lang", "written", "derived"),
    [
        ("de", "Viktor Orbán", {"Viktor Orban"}),
        ("en", "Maroš Šefčovič", {"Maros Sefcovic"}),
        ("de", "Gitanas Nausėda", {"Gitanas Nauseda"}),
        ("en", "Recep Tayyip Erdoğan", {"Recep Tayyip Erdogan"}),
        ("de", "Élysée-Palast", {"Elysee-Palast"}),
        ("en", "Michał", {"Michal"}),  # ł has no decomposition; ASCII copy writes l
        ("de", "Außenministerin Müller", set()),  # umlauts and ß are German letters: kept
        ("zh-Hans", "欧尔班", set()),  # Latin terms only
        ("en", "Kaja Kallas", set()),
    ],
)
def test_latin_names_match_without_their_diacritics(lang, written, derived):
    from toolkit.glossary.store import with_derived_plain_latin
    from toolkit.models import Concept, Term

    concept = Concept(id="x", type="person", terms=(Term(written, lang, status="preferred"),))
    terms = with_derived_plain_latin(concept).terms
    assert {t.text for t in terms if t.derived} == derived
    assert all(t.status == "admitted" and t.lang == lang for t in terms if t.derived)


def test_agency_copy_without_diacritics_finds_the_person():
    from toolkit.glossary.model import Glossary
    from toolkit.glossary.store import with_derived_forms
    from toolkit.models import Concept, Term

    concept = Concept(id="viktor-orban", type="person", terms=(Term("Orbán", "de"),))
    glossary = Glossary((with_derived_forms(concept),))
    hits = Matcher.from_glossary(glossary).find("Ungarns Regierungschef Orban blockiert.", "de")
    assert [(h.concept, h.surface) for h in hits] == [("viktor-orban", "Orban")]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("七国集团", "7国集团"),
        ("二十国集团", "20国集团"),
        ("波罗的海三国", "波罗的海3国"),
        ("第十九轮对俄制裁", "第19轮对俄制裁"),
        ("二十八点和平计划", "28点和平计划"),
        ("二〇二五年", "2025年"),
        ("一百天", "100天"),
        ("兩國", "2國"),
        ("一带一路", "一带一路"),  # a lone 一 is part of a word
        ("北约", "北约"),
    ],
)
def test_chinese_numerals_in_arabic_digits(text, digits):
    from toolkit.glossary.store import arabic_numerals

    assert arabic_numerals(text) == digits


def test_taiwan_digit_forms_find_the_concept():
    from toolkit.glossary.model import Glossary
    from toolkit.glossary.store import with_derived_forms
    from toolkit.models import Concept, Term

    baltic = Concept(id="baltic-states", type="place", terms=(Term("波罗的海三国", "zh-Hans"),))
    g20 = Concept(id="g20", type="organisation", terms=(Term("二十国集团", "zh-Hans"),))
    glossary = Glossary((with_derived_forms(baltic), with_derived_forms(g20)))
    hits = Matcher.from_glossary(glossary).find("波羅的海3國出席20國集團峰會", "zh-Hant")
    assert [(h.concept, h.surface) for h in hits] == [
        ("baltic-states", "波羅的海3國"),
        ("g20", "20國集團"),
    ]
    digit_forms = [t for t in with_derived_forms(g20).terms if t.derived and "20" in t.text]
    assert [(t.text, t.status) for t in digit_forms] == [("20国集团", "admitted")]
