"""Glossary exchange formats: TBX v3 (TBX-Basic) export and v2/v3 import, CSV/TSV tool shapes."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from toolkit.chinese import fold
from toolkit.errors import GlossaryError, UsageError
from toolkit.glossary.formats import (
    export_glossary,
    parse_lang_code,
    parse_pair,
    read_exchange_file,
)
from toolkit.glossary.formats.tbx import TBX_NAMESPACE, canonical_form
from toolkit.glossary.merge import merge_concepts
from toolkit.glossary.model import CONCEPT_TYPES, Glossary
from toolkit.glossary.store import REGIONS, TERM_FORMS, dump_concepts, load_glossary
from toolkit.models import Concept, Term

DATA = Path(__file__).parent / "data" / "glossary_io"
FIXTURE = DATA / "glossary"
NS = {"t": TBX_NAMESPACE}


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(FIXTURE)


def snapshot(glossary: Glossary) -> dict[str, tuple]:
    """Everything the glossary says, per concept, terms grouped by language in file order."""
    out = {}
    for concept in glossary:
        by_lang: dict[str, list[tuple]] = {}
        for t in concept.terms:
            by_lang.setdefault(t.lang, []).append(
                (
                    t.text,
                    t.status,
                    t.case_sensitive,
                    t.dnt,
                    t.region,
                    canonical_form(t),
                    t.seen,
                    t.note,
                    t.derived,
                    t.not_in,
                    t.near,
                    t.not_near,
                    t.source,
                    t.enforce,
                )
            )
        out[concept.id] = (
            concept.type,
            concept.definition,
            concept.note,
            concept.refs,
            by_lang,
        )
    return out


# --- language codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh", ("zh-Hans", None)),
        ("zh-CN", ("zh-Hans", None)),
        ("zh_cn", ("zh-Hans", None)),
        ("zh-Hans", ("zh-Hans", None)),
        ("zs", ("zh-Hans", None)),
        ("zh-TW", ("zh-Hant", "TW")),
        ("zh-HK", ("zh-Hant", "HK")),
        ("zh-Hant-TW", ("zh-Hant", "TW")),
        ("zh-Hant", ("zh-Hant", None)),
        ("ZT", ("zh-Hant", None)),
        ("en", ("en", None)),
        ("en-US", ("en", None)),
        ("EN-gb", ("en", None)),
        ("de-DE", ("de", None)),
        ("fr", None),
        ("es", None),
        ("zh-XX", None),
        ("en-Latn-US", None),
        ("", None),
    ],
)
def test_language_codes_map_to_glossary_tags(code, expected):
    assert parse_lang_code(code) == expected


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        ("zh-en", ("zh-Hans", "en")),
        ("de-en", ("de", "en")),
        ("en-zh", ("en", "zh-Hans")),
        ("zt-en", ("zh-Hant", "en")),
        ("zh-Hant-en", ("zh-Hant", "en")),
        ("en-zh-TW", ("en", "zh-Hant-TW")),
        ("en-zh-HK", ("en", "zh-Hant-HK")),
        ("zh-CN-de", ("zh-Hans", "de")),
        ("zh-zh-TW", ("zh-Hans", "zh-Hant-TW")),  # regional vocabulary: 特朗普 → 川普
    ],
)
def test_pairs(pair, expected):
    assert parse_pair(pair) == expected


@pytest.mark.parametrize("pair", ["zh", "en-fr", "en-en", "zt-zh-TW", "xx-yy", "en--de"])
def test_bad_pairs_are_usage_errors(pair):
    with pytest.raises(UsageError):
        parse_pair(pair)


# --- TBX export -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tbx_file(glossary, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tbx") / "glossary.tbx"
    export_glossary(glossary, out, "tbx")
    return out


@pytest.mark.parametrize(
    "schema", ["TBXcoreStructV03.rng", "TBXcoreStructV03_TBX-Basic_integrated.rng"]
)
def test_tbx_export_validates_with_xmllint(tbx_file, reference_dir, schema):
    rng = reference_dir / "tbx" / schema
    if shutil.which("xmllint") is None or not rng.is_file():
        pytest.skip("xmllint or the TBX schema is not available")
    done = subprocess.run(
        ["xmllint", "--noout", "--relaxng", str(rng), str(tbx_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "validates" in done.stderr


def test_tbx_export_shape(tbx_file):
    text = tbx_file.read_text(encoding="utf-8")
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tbx type="TBX-Basic" style="dca"'
    )
    assert "\n      <conceptEntry" in text  # pretty-printed
    root = etree.parse(str(tbx_file)).getroot()
    assert root.tag == f"{{{TBX_NAMESPACE}}}tbx"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.find("t:tbxHeader/t:fileDesc/t:sourceDesc/t:p", NS) is not None
    entries = root.findall("t:text/t:body/t:conceptEntry", NS)
    assert [e.get("id") for e in entries] == [
        "nato",
        "himars",
        "donald-trump",
        "mark-rutte",
        "coalition-of-the-willing",
        "_5-percent-target",  # xs:ID cannot start with a digit
    ]


def _term_sec(root, text):
    for sec in root.iter(f"{{{TBX_NAMESPACE}}}termSec"):
        if sec.findtext("t:term", namespaces=NS) == text:
            notes = {n.get("type"): n.text for n in sec.findall("t:termNote", NS)}
            return notes, [n.text for n in sec.findall("t:note", NS)], sec.getparent()
    raise AssertionError(text)


@pytest.mark.parametrize(
    ("term", "lang", "status", "term_type", "extra_notes", "geo"),
    [
        ("NATO", "en", "preferredTerm-admn-sts", "acronym", ["toolkit:case-sensitive"], None),
        ("Nato", "de", "admittedTerm-admn-sts", "fullForm", ["toolkit:case-sensitive"], None),
        (
            "HIMARS",
            "en",
            "preferredTerm-admn-sts",
            "acronym",
            ["toolkit:case-sensitive", "toolkit:do-not-translate"],
            None,
        ),
        ("Trump", "en", "admittedTerm-admn-sts", "shortForm", [], None),
        (
            "川普",
            "zh-Hant",
            "preferredTerm-admn-sts",
            "fullForm",
            ["toolkit:seen=002"],
            "zh-Hant-TW",
        ),
        (
            "荷兰首相吕特",
            "zh-Hans",
            "deprecatedTerm-admn-sts",
            "fullForm",
            ["toolkit:seen=000", "outdated title"],
            None,
        ),
        (
            "北约",
            "zh-Hans",
            "preferredTerm-admn-sts",
            "fullForm",
            ["toolkit:seen=000", "toolkit:seen=001"],
            None,
        ),
    ],
)
def test_tbx_term_data_categories(tbx_file, term, lang, status, term_type, extra_notes, geo):
    root = etree.parse(str(tbx_file)).getroot()
    notes, free_notes, lang_sec = _term_sec(root, term)
    assert lang_sec.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert notes["administrativeStatus"] == status
    assert notes["termType"] == term_type
    assert notes["partOfSpeech"] == "noun"  # TBX-Basic's picklist has no properNoun
    assert notes.get("geographicalUsage") == geo
    assert free_notes == extra_notes


def test_tbx_leaves_out_derived_hant_terms(tbx_file, glossary):
    root = etree.parse(str(tbx_file)).getroot()
    hant = {
        term.text
        for section in root.iter(f"{{{TBX_NAMESPACE}}}langSec")
        if section.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hant"
        for term in section.iter(f"{{{TBX_NAMESPACE}}}term")
    }
    written = {t.text for _, t in glossary.terms() if t.lang == "zh-Hant" and not t.derived}
    derived = {t.text for _, t in glossary.terms() if t.derived}
    assert {"北約", "呂特"} <= derived
    assert hant == written == {"川普", "意願聯盟"}


def test_tbx_concept_level_categories(tbx_file):
    root = etree.parse(str(tbx_file)).getroot()
    entry = root.find("t:text/t:body/t:conceptEntry[@id='coalition-of-the-willing']", NS)
    assert entry.findtext("t:descrip[@type='subjectField']", namespaces=NS) == "policy"
    assert entry.findtext("t:descrip[@type='definition']", namespaces=NS).startswith("Group of")
    assert [a.text for a in entry.findall("t:admin[@type='source']", NS)] == [
        "seed:000",
        "seed:002",
    ]
    assert entry.findtext("t:note", namespaces=NS).startswith("Seed 000 writes 志愿者联盟")


def test_empty_glossary_has_nothing_to_export(tmp_path):
    with pytest.raises(GlossaryError, match="no concept"):
        export_glossary(Glossary(()), tmp_path / "x.tbx", "tbx")
    assert not (tmp_path / "x.tbx").exists()


# --- TBX round trip (Hypothesis) ---------------------------------------------------------------

# Letters of several scripts, digits, punctuation XML and TOML must escape; no control characters.
_CHARS = st.characters(
    categories=("Lu", "Ll", "Lo", "Nd", "Pd", "Po", "Ps", "Pe", "Sm", "Sc", "Zs"),
    exclude_characters="\u2028\u2029\u00a0\u3000",
) | st.sampled_from(list("北约意愿联盟特朗普川普台臺裡裏吕呂ÄöüßİSAMP/T<>&\"'"))
_TEXT = st.text(_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)
_OPTIONAL_TEXT = st.one_of(st.just(""), _TEXT)
_LANGS = ("en", "zh-Hans", "zh-Hant", "de")
_DOC_ID = st.from_regex(r"[0-9a-z]{1,4}", fullmatch=True)


@st.composite
def glossaries(draw) -> list[Concept]:
    size = draw(st.integers(1, 4))
    ids = draw(
        st.lists(
            st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True),
            min_size=size,
            max_size=size,
            unique=True,
        )
    )
    # Different concepts never share a term (what glossary validate enforces).
    texts = draw(st.lists(_TEXT, min_size=size, max_size=size * 4, unique_by=fold))
    groups: list[list[str]] = [[text] for text in texts[:size]]
    for text in texts[size:]:
        groups[draw(st.integers(0, size - 1))].append(text)
    concepts = []
    for concept_id, group in zip(ids, groups, strict=True):
        terms = []
        preferred: set[tuple[str, str | None]] = set()
        for text in group:
            lang = draw(st.sampled_from(_LANGS))
            region = draw(st.sampled_from([None, *REGIONS])) if lang.startswith("zh") else None
            status = draw(st.sampled_from(["preferred", "admitted", "forbidden"]))
            if status == "preferred" and (lang, region) in preferred:
                status = "admitted"
            if status == "preferred":
                preferred.add((lang, region))
            terms.append(
                Term(
                    text=text,
                    lang=lang,
                    status=status,
                    case_sensitive=draw(st.booleans()),
                    dnt=draw(st.booleans()),
                    region=region,
                    form=draw(st.sampled_from([None, *TERM_FORMS])),
                    seen=tuple(draw(st.lists(_DOC_ID, max_size=2))),
                    note=draw(_OPTIONAL_TEXT),
                    not_in=tuple(f"{text}{tail}" for tail in draw(st.lists(_TEXT, max_size=1))),
                    near=tuple(draw(st.lists(_TEXT, max_size=2))),
                    not_near=tuple(draw(st.lists(_TEXT, max_size=1))),
                    source=draw(_OPTIONAL_TEXT),
                    enforce=status != "preferred" and draw(st.booleans()),
                )
            )
        concepts.append(
            Concept(
                id=concept_id,
                type=draw(st.sampled_from(CONCEPT_TYPES)),
                terms=tuple(terms),
                definition=draw(_OPTIONAL_TEXT),
                note=draw(_OPTIONAL_TEXT),
                refs=tuple(draw(st.lists(_TEXT, max_size=2))),
            )
        )
    return concepts


@pytest.fixture(scope="module")
def basic_rng(reference_dir):
    path = reference_dir / "tbx" / "TBXcoreStructV03_TBX-Basic_integrated.rng"
    if not path.is_file():
        pytest.skip("TBX-Basic schema absent")
    return etree.RelaxNG(etree.parse(str(path)))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(concepts=glossaries())
def test_tbx_round_trip_is_exact(concepts, tmp_path_factory, basic_rng):
    work = tmp_path_factory.mktemp("roundtrip")
    (work / "source").mkdir()
    (work / "source" / "all.toml").write_text(dump_concepts(concepts), encoding="utf-8")
    original = load_glossary(work / "source")
    owners: dict[str, str] = {}
    for concept, term in original.terms():
        # A derived zh-Hant form folding onto another concept's term makes an invalid glossary.
        assume(owners.setdefault(fold(term.text), concept.id) == concept.id)
    out = work / "export.tbx"
    export_glossary(original, out, "tbx")
    assert basic_rng.validate(etree.parse(str(out))), basic_rng.error_log
    report = merge_concepts(read_exchange_file(out), work / "imported", source=str(out))
    assert not report.conflicts
    assert snapshot(load_glossary(work / "imported")) == snapshot(original)


# --- TBX import -------------------------------------------------------------------------------


def test_martif_v2_is_read():
    concepts = read_exchange_file(DATA / "vendor_martif_v2.tbx")
    assert [c.id for c in concepts] == [None, "kaja-kallas", "nato", "trump", "rutte"]
    fleet = concepts[0]
    assert fleet.type is None  # "Maritime security" is not one of our types
    assert fleet.note == "subject field: Maritime security"
    assert fleet.definition == (
        "Ageing tankers with opaque ownership that carry Russian oil past sanctions."
    )
    got = [
        (t.term.lang, t.term.text, t.term.status, t.term.region, t.status_given)
        for t in fleet.terms
    ]
    assert got == [
        ("en", "shadow fleet", "preferred", None, True),
        ("zh-Hans", "影子舰队", "preferred", None, True),
        ("zh-Hant", "影子艦隊", "preferred", "TW", True),  # an ntig/termGrp term
        ("de", "Schattenflotte", "preferred", None, True),
    ]
    assert fleet.terms[3].term.note == "plural Schattenflotten"
    kallas = concepts[1]
    assert kallas.type == "person"
    assert [(t.term.status, t.status_given) for t in kallas.terms] == [
        ("preferred", True),  # normativeAuthorization, TBX v2's older status category
        ("admitted", False),
    ]
    lines = (DATA / "vendor_martif_v2.tbx").read_text(encoding="utf-8").splitlines()
    nato_de = concepts[2].terms[2].term
    assert "<term>Nato</term>" in lines[nato_de.line - 1]
    assert nato_de.status == "forbidden"


def test_reference_tbx_with_foreign_languages_is_refused(reference_dir):
    sample = reference_dir / "tbx" / "Example_Astronomy_DCA_VALID.tbx"
    with pytest.raises(GlossaryError) as caught:
        read_exchange_file(sample)
    lines = sample.read_text(encoding="utf-8").splitlines()
    assert "unknown language code 'es'" in str(caught.value)
    assert 'xml:lang="es"' in lines[caught.value.line - 1]


# --- CSV / TSV shapes -------------------------------------------------------------------------

AMAZON = """\
en,zh,zh-TW,de
NATO,北约,北約,NATO
HIMARS,HIMARS,HIMARS,HIMARS
Donald Trump,特朗普,川普,Donald Trump
Mark Rutte,吕特,呂特,Mark Rutte
coalition of the willing,意愿联盟,意願聯盟,Koalition der Willigen
5 % of GDP target,5%目标,5%目標,Fünf-Prozent-Ziel
"""
GOOGLE_SETS = AMAZON.replace("en,zh,zh-TW,de", "en,zh-CN,zh-TW,de")
DEEPL_ZH_EN = """\
北约,NATO
HIMARS,HIMARS
特朗普,Donald Trump
吕特,Mark Rutte
荷兰首相吕特,Mark Rutte
意愿联盟,coalition of the willing
志愿者联盟,coalition of the willing
5%目标,5 % of GDP target
"""
AMAZON_EN_DE = """\
en,de
NATO,NATO
HIMARS,HIMARS
Donald Trump,Donald Trump
Trump,Donald Trump
Mark Rutte,Mark Rutte
coalition of the willing,Koalition der Willigen
Coalition of the willing,Koalition der Willigen
5 % of GDP target,Fünf-Prozent-Ziel
"""
GOOGLE_DE_EN = """\
NATO,NATO
Nato,NATO
HIMARS,HIMARS
Donald Trump,Donald Trump
Mark Rutte,Mark Rutte
Koalition der Willigen,coalition of the willing
Koalition der Freiwilligen,coalition of the willing
Fünf-Prozent-Ziel,5 % of GDP target
"""
COALITION = "Group of states led by France and the UK backing Ukraine's security."
FIVE_PERCENT = "NATO's target of spending 5 % of GDP on defence, agreed in The Hague in 2025."
OMEGAT_EN_ZT = (
    "NATO\t北約\tNorth Atlantic Treaty Organization.\n"
    "HIMARS\tHIMARS\tdo not translate\n"
    "Donald Trump\t川普\tPresident of the United States (since 2025).\n"
    "Trump\t川普\tPresident of the United States (since 2025)."
    " | admitted source form of Donald Trump\n"
    "Mark Rutte\t呂特\tavoid: 荷蘭首相呂特\n"
    f"coalition of the willing\t意願聯盟\t{COALITION} | avoid: 志願者聯盟\n"
    f"5 % of GDP target\t5%目標\t{FIVE_PERCENT}\n"
)


@pytest.mark.parametrize(
    ("fmt", "shape", "pair", "expected"),
    [
        ("csv", None, None, AMAZON),
        ("csv", "amazon", None, AMAZON),
        ("csv", "google", None, GOOGLE_SETS),
        ("csv", "deepl", "zh-en", DEEPL_ZH_EN),
        ("csv", "google", "zh-en", DEEPL_ZH_EN),
        ("csv", "amazon", "en-de", AMAZON_EN_DE),
        ("csv", "google", "de-en", GOOGLE_DE_EN),
        ("tsv", "deepl", "zh-en", DEEPL_ZH_EN.replace(",", "\t")),
    ],
)
def test_delimited_shapes(glossary, tmp_path, fmt, shape, pair, expected):
    out = tmp_path / f"out.{fmt}"
    export_glossary(glossary, out, fmt, shape=shape, pair=pair)
    assert out.read_text(encoding="utf-8") == expected


def test_omegat_shape(glossary, tmp_path):
    out = tmp_path / "glossary.utf8"
    export_glossary(glossary, out, "tsv", pair="en-zt")
    first, rest = out.read_text(encoding="utf-8").split("\n", 1)
    assert first.startswith("# toolkit ") and "en→zh-Hant" in first and "\t" not in first
    assert rest == OMEGAT_EN_ZT


def _concept(concept_id, *terms):
    return Concept(id=concept_id, type="policy", terms=tuple(terms))


def test_forbidden_terms_are_never_targets_nor_mapped_to_themselves(tmp_path):
    glossary = Glossary(
        (
            _concept(
                "eu",
                Term("EU", "en", case_sensitive=True),
                Term("European Union", "en", "admitted"),
                Term("EU", "de", case_sensitive=True),
                Term("European Union", "de", "forbidden"),  # an English loan, wrong in German
                Term("Europäische Union", "de", "admitted"),
            ),
        )
    )
    out = tmp_path / "de-en.csv"
    export_glossary(glossary, out, "csv", shape="deepl", pair="de-en")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [["EU", "EU"], ["Europäische Union", "EU"], ["European Union", "EU"]]
    export_glossary(glossary, out, "csv", shape="deepl", pair="en-de")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [["EU", "EU"], ["European Union", "EU"]]
    # A forbidden German "Nato" whose English target is spelt the same is not mapped to itself
    # (that row would enforce the forbidden form); here that leaves nothing to export.
    same = Glossary((_concept("x", Term("Nato", "de", "forbidden"), Term("Nato", "en")),))
    with pytest.raises(UsageError, match="nothing to export"):
        export_glossary(same, tmp_path / "same.csv", "csv", shape="deepl", pair="de-en")
    assert not (tmp_path / "same.csv").exists()


def test_csv_quotes_and_tsv_refuses_tabs(tmp_path):
    tricky = Glossary(
        (_concept("q", Term('"Made in China 2025", plan', "en"), Term("中国制造2025", "zh-Hans")),)
    )
    out = tmp_path / "q.csv"
    export_glossary(tricky, out, "csv", shape="deepl", pair="en-zh")
    assert out.read_text(encoding="utf-8") == '"""Made in China 2025"", plan",中国制造2025\n'
    tsv = tmp_path / "q.tsv"
    export_glossary(tricky, tsv, "tsv", shape="deepl", pair="en-zh")
    assert tsv.read_text(encoding="utf-8") == '"Made in China 2025", plan\t中国制造2025\n'
    tab = Glossary((_concept("t", Term("a\tb", "en"), Term("甲", "zh-Hans")),))
    with pytest.raises(GlossaryError, match="tab or line break"):
        export_glossary(tab, tmp_path / "t.tsv", "tsv", shape="deepl", pair="en-zh")
    assert not (tmp_path / "t.tsv").exists()


@pytest.mark.parametrize(
    ("fmt", "shape", "pair", "message"),
    [
        ("csv", "deepl", None, "bilingual"),
        ("tsv", "omegat", None, "bilingual"),
        ("tsv", None, None, "bilingual"),
        ("tsv", "google", None, "CSV only"),
        ("csv", "memsource", None, "unknown shape"),
        ("tbx", "deepl", None, "csv and tsv"),
        ("csv", "deepl", "fr-en", "cannot read language pair"),
    ],
)
def test_export_option_errors_write_nothing(glossary, tmp_path, fmt, shape, pair, message):
    out = tmp_path / "out.file"
    with pytest.raises(UsageError, match=message):
        export_glossary(glossary, out, fmt, shape=shape, pair=pair)
    assert list(tmp_path.iterdir()) == []


def test_duplicate_sources_keep_the_first_and_warn(tmp_path):
    twins = Glossary(
        (
            _concept("a", Term("Kreml", "de"), Term("Kremlin", "en")),
            _concept("b", Term("Kreml", "de", "admitted"), Term("Moscow", "en")),
        )
    )
    out = tmp_path / "d.csv"
    with pytest.warns(UserWarning, match="Kreml"):
        summary = export_glossary(twins, out, "csv", shape="deepl", pair="de-en")
    assert out.read_text(encoding="utf-8") == "Kreml,Kremlin\n"
    assert summary.skipped and "b" in summary.skipped[0]


def test_csv_reader_maps_header_codes(tmp_path):
    sheet = tmp_path / "google.csv"
    sheet.write_text(
        "en,zh-CN,zh-TW,pos,description\n"
        'shadow fleet,影子舰队,影子艦隊,noun,"Tankers, ageing"\n'
        "Patriot,爱国者,愛國者,noun,\n",
        encoding="utf-8",
    )
    concepts = read_exchange_file(sheet)
    assert [c.definition for c in concepts] == ["Tankers, ageing", ""]
    assert [
        (t.term.lang, t.term.text, t.term.region, t.status_given) for t in concepts[0].terms
    ] == [
        ("en", "shadow fleet", None, False),
        ("zh-Hans", "影子舰队", None, False),
        ("zh-Hant", "影子艦隊", "TW", False),
    ]
    assert concepts[1].line == 3
