"""``toolkit glossary lookup | scan | suggest``: typer commands, the lookup fast path, the API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import fastpath
from toolkit.cli.app import app
from toolkit.glossary.inflect import inflected_forms
from toolkit.glossary.lookup import LookupIndex, format_lookup, load_index, lookup
from toolkit.glossary.store import load_glossary

BASIC = Path(__file__).parent / "data" / "glossary" / "basic"
runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def index() -> LookupIndex:
    return LookupIndex.build(load_glossary(BASIC))


def test_every_listed_form_looks_up_its_concept(index):
    for concept in index.glossary:
        for term in concept.terms:
            forms = [term.text]
            if not term.case_sensitive:
                forms += inflected_forms(term.text, term.lang, concept.type)
            for form in forms:
                result = index.lookup(form)
                assert concept.id in [found.concept.id for found in result.found], form


@pytest.mark.parametrize(
    ("query", "concept"),
    [
        ("意願聯盟", "coalition-of-the-willing"),
        ("意愿联盟", "coalition-of-the-willing"),
        ("意愿聯盟", "coalition-of-the-willing"),
        ("Koalition der Willigen", "coalition-of-the-willing"),
        ("  koalition   DER willigen ", "coalition-of-the-willing"),
        ("SACEUR", "saceur"),
        ("des Weißen Hauses", "white-house"),
        ("dem Weißen Haus", "white-house"),
        ("Schattenflotten", "shadow-fleet"),
        ("europäischen Pfeiler", "european-pillar"),
        ("ＮＡＴＯ", "nato"),
        ("nato", "nato"),
        ("shadow-fleet", "shadow-fleet"),  # a concept id
    ],
)
def test_lookup_exact(index, query, concept):
    result = index.lookup(query)
    assert [found.concept.id for found in result.found] == [concept]
    assert result.exit_code == 0


def test_case_sensitive_term_is_only_suggested_in_another_case(index):
    result = index.lookup("sacEUR")
    assert result.found == ()
    first = result.suggestions[0]
    assert (first.text, first.concept.id) == ("SACEUR", "saceur")


def test_suggestions_for_a_misspelling(index):
    result = index.lookup("Koalition der Wiligen")
    assert not result.found
    assert result.suggestions[0].concept.id == "coalition-of-the-willing"
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "query",
    ["Koalitionen der Wiligen", "Schattenflottten", "des Weisen Hauses", "影子艦對"],
)
def test_suggestions_are_terms_as_written_never_made_up_forms(index, query):
    """Declined forms answer exact lookups; a suggestion is always a written term."""
    written = {term.text for concept in index.glossary for term in concept.terms}
    assert written
    result = index.lookup(query)
    assert result.suggestions, query
    assert all(suggestion.text in written for suggestion in result.suggestions)


def test_nothing_close(index):
    result = index.lookup("qqqqzzzzxxxx")
    assert not result.found and not result.suggestions
    assert result.exit_code == 1


def test_lookup_cache_is_used_and_refreshed(tmp_path):
    folder = tmp_path / "glossary"
    folder.mkdir()
    source = (BASIC / "concepts.toml").read_text(encoding="utf-8")
    (folder / "concepts.toml").write_text(source, encoding="utf-8")
    first = load_index(folder)
    assert first.lookup("Kreml").found[0].concept.id == "kremlin"
    with pytest.MonkeyPatch.context() as patch:  # second call: from the cache, nothing built
        patch.setattr("toolkit.glossary.lookup._memory_store", None)
        assert load_index(folder).lookup("Kreml").found[0].concept.id == "kremlin"
    edited = source.replace('text = "Kreml"', 'text = "Kremlj"')
    (folder / "concepts.toml").write_text(edited + "\n", encoding="utf-8")
    assert lookup(folder, "Kremlj").found[0].concept.id == "kremlin"


@pytest.mark.parametrize(
    "args",
    [
        ["意願聯盟"],
        ["意願聯盟", "--json"],
        ["sacEUR"],
        ["Koalition der Wiligen", "--json"],
        ["qqqqzzzzxxxx"],
        ["des Weißen Hauses"],
    ],
)
def test_fastpath_and_typer_print_the_same(args, capsys):
    argv = ["glossary", "lookup", *args, "--glossary", str(BASIC)]
    code = fastpath.run(argv)
    fast = capsys.readouterr()
    result = _invoke(*argv)
    assert code == result.exit_code
    assert fast.out == result.stdout
    assert fast.out or code == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["glossary", "lookup", "--help"],
        ["glossary", "lookup"],
        ["glossary", "lookup", "x", "--bogus"],
        ["glossary", "scan", "x"],
        ["--help"],
        [],
    ],
)
def test_fastpath_leaves_everything_else_to_typer(argv):
    assert fastpath.run(argv) is None


def test_fastpath_reports_a_bad_glossary_in_one_line(tmp_path, capsys):
    code = fastpath.run(["glossary", "lookup", "NATO", "--glossary", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1


def test_lookup_json_fields():
    result = _invoke("glossary", "lookup", "意願聯盟", "--json", "--glossary", str(BASIC))
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["concept"] == "coalition-of-the-willing"
    assert record["term_en"] == "coalition of the willing"
    langs = {term["lang"] for term in record["terms"]}
    assert langs == {"en", "zh-Hans", "zh-Hant", "de"}
    assert "意願聯盟" in record["matched"]


def test_lookup_text_marks_the_matched_term():
    index = LookupIndex.build(load_glossary(BASIC))
    text = format_lookup(index.lookup("Schattenflotten"))
    line = next(row for row in text.splitlines() if "Schattenflotte" in row)
    assert line.lstrip().startswith("*")


def test_cold_start_subprocess_uses_no_typer(tmp_path):
    """The console script's fast path answers without importing typer or rich."""
    code = (
        "import sys; sys.argv = ['toolkit', 'glossary', 'lookup', 'NATO', '--glossary', "
        f"{str(BASIC)!r}]\n"
        "from toolkit.cli import fastpath\n"
        "code = fastpath.run(sys.argv[1:])\n"
        "assert 'typer' not in sys.modules and 'rich' not in sys.modules, sorted(sys.modules)\n"
        "assert 'numpy' not in sys.modules and 'ahocorasick_rs' not in sys.modules\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("nato (organisation): NATO")


# -- scan ---------------------------------------------------------------------------------------


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "007.txt"
    path.write_text(
        "北约最高盟军司令(SACEUR)表示，意愿聯盟将开会。\n\n"
        "Das Weiße Haus und die EU sprachen über die Schattenflotten.\n",
        encoding="utf-8",
    )
    return path


def test_scan_json_lines(sample):
    result = _invoke("glossary", "scan", str(sample), "--json", "--glossary", str(BASIC))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    required = {
        "doc",
        "segment",
        "start",
        "end",
        "surface",
        "concept",
        "term_en",
        "lang",
        "preferred",
    }
    assert records and all(required <= set(record) for record in records)
    concepts = [record["concept"] for record in records]
    assert concepts == [
        "saceur",
        "saceur",
        "coalition-of-the-willing",
        "white-house",
        "eu",
        "shadow-fleet",
    ]
    saceur = records[1]
    assert (saceur["surface"], saceur["term_en"], saceur["lang"], saceur["preferred"]) == (
        "SACEUR",
        "Supreme Allied Commander Europe",
        "en",
        False,
    )
    assert {record["doc"] for record in records} == {"007"}


def test_scan_table_and_variant_report(sample):
    result = _invoke("glossary", "scan", str(sample), "--glossary", str(BASIC))
    assert result.exit_code == 0, result.output
    assert "Variant report" in result.stdout
    assert "意愿聯盟" in result.stdout and "Schattenflotten" in result.stdout


def test_scan_missing_file_is_one_line(tmp_path):
    result = _invoke("glossary", "scan", str(tmp_path / "nope.txt"), "--glossary", str(BASIC))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# -- suggest ------------------------------------------------------------------------------------


def test_suggest_ranks_candidates(tmp_path):
    from toolkit.glossary.suggest import suggest
    from toolkit.segment import iter_segments

    path = tmp_path / "008.txt"
    path.write_text(
        "欧洲的志愿联盟会议。志愿联盟再次开会。他提到「铁穹计划」。\n\n"
        "Der Sondergesandte Keith Kellogg traf Donald Trump und die JEF.\n",
        encoding="utf-8",
    )
    candidates = suggest(iter_segments([path]), load_glossary(BASIC))
    by_text = {c.text: c for c in candidates}
    near = by_text["志愿联盟"]
    assert (near.kind, near.concept, near.count) == ("near-miss", "coalition-of-the-willing", 2)
    assert near.segments and all(s.startswith("008-") for s in near.segments)
    assert by_text["铁穹计划"].kind == "quoted"
    assert by_text["Keith Kellogg"].kind == "name"
    assert by_text["JEF"].kind == "acronym"
    assert "Donald Trump" not in by_text  # known
    assert candidates[0].text == "志愿联盟"  # strongest evidence first
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)


def test_suggest_command_json(tmp_path):
    path = tmp_path / "009.txt"
    path.write_text("他提到「铁穹计划」和志愿联盟。\n", encoding="utf-8")
    result = _invoke("glossary", "suggest", str(path), "--json", "--glossary", str(BASIC))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"text", "kind", "score", "count", "segments"} <= set(records[0])
    assert {r["text"] for r in records} >= {"铁穹计划", "志愿联盟"}


# -- the real glossary --------------------------------------------------------------------------


def test_real_glossary_lookup(root):
    glossary = root / "glossary"
    if not list(glossary.glob("*.toml")):
        pytest.skip("the real glossary is not there yet")
    for query, concept in [
        ("意願聯盟", "coalition-of-the-willing"),
        ("意愿聯盟", "coalition-of-the-willing"),
        ("志愿者联盟", "coalition-of-the-willing"),
        ("Koalition der Willigen", "coalition-of-the-willing"),
        ("SACEUR", "saceur"),
        ("Schattenflotte", "shadow-fleet"),
    ]:
        assert concept in [found.concept.id for found in lookup(glossary, query).found], query


_NAMES_TOML = """
[[concept]]
id = "vladimir-putin"
type = "person"
definition = "President of Russia (2000–2008 and since 2012)."
terms = [
  { lang = "en", text = "Vladimir Putin", status = "preferred" },
  { lang = "zh-Hans", text = "弗拉基米尔·普京", status = "preferred" },
  { lang = "zh-Hans", text = "普京", status = "admitted", form = "shortForm" },
  { lang = "de", text = "Wladimir Putin", status = "preferred" },
]

[[concept]]
id = "marco-rubio"
type = "person"
definition = "US Secretary of State since January 2025."
terms = [
  { lang = "en", text = "Marco Rubio", status = "preferred" },
  { lang = "zh-Hans", text = "鲁比奥", status = "preferred", form = "shortForm" },
]

[[concept]]
id = "russia"
type = "place"
terms = [
  { lang = "en", text = "Russia", status = "preferred" },
  { lang = "zh-Hans", text = "俄罗斯", status = "preferred" },
  { lang = "de", text = "Russland", status = "preferred" },
]

[[concept]]
id = "shadow-fleet"
type = "policy"
terms = [
  { lang = "en", text = "shadow fleet", status = "preferred" },
  { lang = "de", text = "Schattenflotte", status = "preferred" },
]
"""


@pytest.mark.parametrize(
    ("text", "candidate", "concept", "why"),
    [
        # another region's transliteration, with the known terms around it as context
        ("俄羅斯總統普丁表示，談判仍在進行。", "普丁", "vladimir-putin", "context: Russia"),
        ("他與盧比歐會面。", "盧比歐", "marco-rubio", "lu bi ou ~ lu bi ao"),
    ],
)
def test_suggest_finds_regional_renderings_of_known_names(tmp_path, text, candidate, concept, why):
    from toolkit.glossary.suggest import suggest
    from toolkit.segment import iter_segments

    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "c.toml").write_text(_NAMES_TOML, encoding="utf-8")
    (tmp_path / "a.txt").write_text(text + "\n", encoding="utf-8")
    found = suggest(iter_segments([tmp_path / "a.txt"]), load_glossary(tmp_path / "g"))
    best = found[0]
    assert (best.text, best.kind, best.concept) == (candidate, "regional", concept)
    assert why in best.why and "sounds like" in best.why


@pytest.mark.parametrize(
    "text",
    [
        "Die Schattenflotte Russlands bedroht die Ostsee.",  # two known terms side by side
        "Wladimir Putin Russland",  # known names together
        "Die Regierung Verhandlungen führte.",  # German nouns, capitalised
        "Der Präsident Macron-Besuch",
        "美国总统今天表示导弹合约基于大利益。",  # ordinary words that sound like nothing known
    ],
)
def test_suggest_proposes_no_neighbours_of_known_terms_and_no_noun_pairs(tmp_path, text):
    from toolkit.glossary.suggest import suggest
    from toolkit.segment import iter_segments

    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "c.toml").write_text(_NAMES_TOML, encoding="utf-8")
    (tmp_path / "a.txt").write_text(text + "\n", encoding="utf-8")
    found = suggest(iter_segments([tmp_path / "a.txt"]), load_glossary(tmp_path / "g"))
    assert [c.text for c in found if c.kind in ("name", "regional")] == []


@pytest.mark.parametrize(
    ("text", "candidate", "concept", "score"),
    [
        # the original is a known term: the Chinese form is a rendering the concept lacks
        ("美國國務卿魯比歐（Marco Rubio）表示支持。", "魯比歐", "marco-rubio", 4.0),
        # an unknown original: a new concept, both renderings given by the text itself
        ("波兰部长谢莫尼亚克（Tomasz Siemoniak）表示。", "谢莫尼亚克", None, 3.0),
        ("报道称林雪平(Linköping)的工厂扩产。", "林雪平", None, 3.0),
    ],
)
def test_suggest_reads_names_the_text_glosses_with_their_original(
    tmp_path, text, candidate, concept, score
):
    from toolkit.glossary.suggest import suggest
    from toolkit.segment import iter_segments

    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "c.toml").write_text(_NAMES_TOML, encoding="utf-8")
    (tmp_path / "a.txt").write_text(text + "\n", encoding="utf-8")
    found = suggest(iter_segments([tmp_path / "a.txt"]), load_glossary(tmp_path / "g"))
    (glossed,) = [c for c in found if c.kind == "glossed"]
    assert (glossed.text, glossed.concept, glossed.score) == (candidate, concept, score)
    assert "written beside its original" in glossed.why
    assert found[0] is glossed  # the strongest evidence ranks first
    assert candidate not in [c.text for c in found if c.kind == "regional"]
