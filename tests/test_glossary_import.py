"""``toolkit glossary import``/``export``: merging into the TOML files, conflicts, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.glossary.formats import export_glossary
from toolkit.glossary.formats.delimited import target_text
from toolkit.glossary.merge import import_glossary_file
from toolkit.glossary.store import inline_term, load_glossary
from toolkit.models import Term

DATA = Path(__file__).parent / "data" / "glossary_io"
FIXTURE = DATA / "glossary"
MARTIF = DATA / "vendor_martif_v2.tbx"
ROOT = Path(__file__).resolve().parent.parent
LANG_ORDER = {"en": 0, "zh-Hans": 1, "zh-Hant": 2, "de": 3}
runner = CliRunner()


@pytest.fixture
def folder(tmp_path) -> Path:
    """A writable copy of the fixture glossary."""
    copy = tmp_path / "glossary"
    shutil.copytree(FIXTURE, copy)
    return copy


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


# --- merge ------------------------------------------------------------------------------------


def test_martif_merge_adds_new_concepts_and_terms(folder):
    before = snapshot_bytes(folder)
    report = import_glossary_file(MARTIF, folder)
    assert [(c.id, c.type, Path(c.path).name) for c in report.concepts_added] == [
        ("shadow-fleet", "policy", "imported.toml"),  # "Maritime security" is no type of ours
        ("kaja-kallas", "person", "people.toml"),
    ]
    assert [(cid, t.lang, t.text, t.status) for cid, t in report.terms_added] == [
        ("nato", "de", "Nordatlantikpakt", "admitted"),
        ("donald-trump", "en", "Donald J. Trump", "admitted"),  # no status in the file
    ]
    glossary = load_glossary(folder)
    fleet = glossary.get("shadow-fleet")
    assert fleet.note == "subject field: Maritime security"
    assert [(t.lang, t.text, t.region) for t in fleet.terms if not t.derived] == [
        ("en", "shadow fleet", None),
        ("zh-Hans", "影子舰队", None),
        ("zh-Hant", "影子艦隊", "TW"),
        ("de", "Schattenflotte", None),
    ]
    assert glossary.get("kaja-kallas").preferred("zh-Hans").text == "卡拉斯"
    # policy.toml was not touched; the others only gained lines.
    after = snapshot_bytes(folder)
    assert after["policy.toml"] == before["policy.toml"]
    assert set(after) == {*before, "imported.toml"}
    assert after["imported.toml"].decode().startswith("# Concepts imported without a known type")


def test_new_terms_are_inserted_into_the_terms_array_and_nothing_else_moves(folder):
    original = (folder / "organisations.toml").read_text(encoding="utf-8").splitlines()
    import_glossary_file(MARTIF, folder)
    merged = (folder / "organisations.toml").read_text(encoding="utf-8").splitlines()
    new_line = "  " + inline_term(Term("Nordatlantikpakt", "de", "admitted")) + ","
    closing = original.index("]")  # the end of nato's terms array
    assert merged == [*original[:closing], new_line, *original[closing:]]


def test_new_concept_is_appended_after_the_untouched_file(folder):
    original = (folder / "people.toml").read_text(encoding="utf-8")
    import_glossary_file(MARTIF, folder)
    merged = (folder / "people.toml").read_text(encoding="utf-8")
    # One term line was added to donald-trump; after it the file is the old one plus a new block.
    added = "  " + inline_term(Term("Donald J. Trump", "en", "admitted")) + ",\n"
    anchor = '  { lang = "de", text = "Donald Trump", status = "preferred" },\n'
    expected_head = original.replace(anchor, anchor + added, 1)
    assert merged.startswith(expected_head.rstrip("\n") + '\n\n[[concept]]\nid = "kaja-kallas"')


def test_conflicts_are_reported_with_file_lines_and_not_applied(folder):
    report = import_glossary_file(MARTIF, folder)
    assert [(c.line, c.concept) for c in report.conflicts] == [
        (line_of(MARTIF, "<term>Nato</term>"), "nato"),
        (line_of(MARTIF, "<term>President Trump</term>"), "donald-trump"),
        (line_of(MARTIF, "<term>coalition of the willing</term>"), "mark-rutte"),
    ]
    messages = [c.message for c in report.conflicts]
    assert "admitted in the glossary, forbidden in the file" in messages[0]
    assert "second preferred term of 'donald-trump'" in messages[1]
    assert "already belongs to concept 'coalition-of-the-willing'" in messages[2]
    glossary = load_glossary(folder)
    nato_de = {t.text: t.status for t in glossary.get("nato").terms if t.lang == "de"}
    assert nato_de["Nato"] == "admitted"
    assert "President Trump" not in {t.text for t in glossary.get("donald-trump").terms}
    assert "coalition of the willing" not in {t.text for t in glossary.get("mark-rutte").terms}


def test_a_file_of_conflicts_only_changes_no_byte(folder, tmp_path):
    conflicting = tmp_path / "conflicts.csv"
    # Both rows name known concepts and bring only a term owned by another concept.
    conflicting.write_text(
        "en,de\nMark Rutte,Koalition der Willigen\nNATO,Donald Trump\n", encoding="utf-8"
    )
    before = snapshot_bytes(folder)
    report = import_glossary_file(conflicting, folder)
    assert len(report.conflicts) == 2 and not report.terms_added and not report.concepts_added
    assert not report.files
    assert snapshot_bytes(folder) == before


def test_dry_run_writes_nothing(folder):
    before = snapshot_bytes(folder)
    report = import_glossary_file(MARTIF, folder, dry_run=True)
    assert report.dry_run and len(report.concepts_added) == 2 and len(report.terms_added) == 2
    assert sorted(Path(p).name for p in report.files) == [
        "imported.toml",
        "organisations.toml",
        "people.toml",
    ]
    assert snapshot_bytes(folder) == before


def test_importing_twice_adds_nothing_the_second_time(folder):
    import_glossary_file(MARTIF, folder)
    before = snapshot_bytes(folder)
    again = import_glossary_file(MARTIF, folder)
    assert not again.concepts_added and not again.terms_added
    assert snapshot_bytes(folder) == before


def test_colliding_ids_get_a_fresh_slug(folder, tmp_path):
    # The file reuses the id "nato" for an unrelated concept: it gets the slug of its English term.
    clash = tmp_path / "clash.tbx"
    text = MARTIF.read_text(encoding="utf-8").replace('id="TE-0001"', 'id="nato"')
    clash.write_text(text, encoding="utf-8")
    report = import_glossary_file(clash, folder, dry_run=True)
    assert report.concepts_added[0].id == "shadow-fleet"
    assert report.concepts_added[1].id == "kaja-kallas"


def test_a_new_concept_of_a_type_goes_where_that_type_lives(folder, tmp_path):
    sheet = tmp_path / "weapons.csv"
    sheet.write_text("en,de\nPatriot,Patriot\n", encoding="utf-8")
    report = import_glossary_file(sheet, folder, dry_run=True)
    assert Path(report.concepts_added[0].path).name == "imported.toml"  # CSV carries no type
    tbx = tmp_path / "weapon.tbx"
    tbx.write_text(
        '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">'
        "<tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>"
        '<text><body><conceptEntry id="patriot"><descrip type="subjectField">weapon</descrip>'
        '<langSec xml:lang="en"><termSec><term>Patriot</term></termSec></langSec>'
        "</conceptEntry></body></text></tbx>",
        encoding="utf-8",
    )
    report = import_glossary_file(tbx, folder)
    # The fixture keeps its one weapon (HIMARS) in organisations.toml: follow the glossary.
    assert Path(report.concepts_added[0].path).name == "organisations.toml"
    assert load_glossary(folder).get("patriot").type == "weapon"


# --- round trips through the delimited shapes -------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "shape", "pair"),
    [
        ("tbx", None, None),
        ("csv", "amazon", None),
        ("csv", "google", None),
        ("csv", "amazon", "zh-en"),
        ("csv", "deepl", "de-en"),
        ("csv", "google", "en-zt"),
        ("tsv", "omegat", "zh-en"),
        ("tsv", "deepl", "en-de"),
    ],
)
def test_export_then_import_into_the_same_glossary_changes_nothing(
    folder, tmp_path, fmt, shape, pair
):
    out = tmp_path / f"export.{fmt}"
    export_glossary(load_glossary(folder), out, fmt, shape=shape, pair=pair)
    before = snapshot_bytes(folder)
    report = import_glossary_file(out, folder, pair=pair if shape != "amazon" else None)
    assert (report.concepts_added, report.terms_added, report.conflicts) == ([], [], [])
    assert report.known > 0
    assert snapshot_bytes(folder) == before


@pytest.mark.parametrize("shape", ["amazon", "google"])
def test_multilingual_csv_round_trips_every_target_term(tmp_path, shape):
    original = load_glossary(FIXTURE)
    out = tmp_path / "export.csv"
    export_glossary(original, out, "csv", shape=shape)
    import_glossary_file(out, tmp_path / "new")
    imported = load_glossary(tmp_path / "new")
    assert len(imported) == len(original)
    by_english = {concept.en: concept for concept in imported}
    for concept in original:
        twin = by_english[concept.en]
        for tag in ("en", "zh-Hans", "zh-Hant", "zh-Hant-TW", "de"):
            assert target_text(imported, twin, tag) == target_text(original, concept, tag), (
                concept.id,
                tag,
            )


@pytest.mark.parametrize(
    ("fmt", "shape", "pair"), [("csv", "deepl", "zh-en"), ("tsv", "omegat", "en-zt")]
)
def test_bilingual_round_trip_keeps_source_forms_and_targets(tmp_path, fmt, shape, pair):
    original = load_glossary(FIXTURE)
    out = tmp_path / f"export.{fmt}"
    summary = export_glossary(original, out, fmt, shape=shape, pair=pair)
    import_glossary_file(out, tmp_path / "new", pair=pair)
    imported = load_glossary(tmp_path / "new")
    source, target = summary.pair
    source_lang = source.split("-Hant")[0] + ("-Hant" if "Hant" in source else "")
    for concept in original:
        wanted = target_text(original, concept, target)
        twins = [c for c in imported if target_text(imported, c, target) == wanted]
        if not any(t.lang == source_lang or t.dnt for t in concept.terms):
            assert not twins
            continue
        assert len(twins) == 1, concept.id
        forms = {
            t.text
            for t in concept.terms
            if (t.lang == source_lang or t.dnt)
            and not (t.status == "forbidden" and t.text == wanted)
        }
        written = {t.text for t in twins[0].terms if not t.derived}
        assert written - {wanted} <= forms
        assert forms <= written


# --- CLI --------------------------------------------------------------------------------------


def test_cli_export_and_import(folder, tmp_path):
    out = tmp_path / "glossary.tbx"
    done = runner.invoke(app, ["glossary", "export", "--glossary", str(folder), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "6 concepts" in done.stdout and out.is_file()
    done = runner.invoke(
        app, ["glossary", "import", str(MARTIF), "--glossary", str(folder), "--dry-run"]
    )
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert "would add 2 concepts" in lines[0] and "2 terms to existing" in lines[0]
    assert sum(line.startswith("conflict: ") for line in lines) == 3
    nato_line = line_of(MARTIF, "<term>Nato</term>")
    assert any(line.startswith(f"conflict: {MARTIF}:{nato_line}: ") for line in lines)
    assert lines[-1] == "dry run: nothing written"


def test_cli_import_json(folder):
    done = runner.invoke(
        app, ["glossary", "import", str(MARTIF), "-g", str(folder), "--dry-run", "--json"]
    )
    assert done.exit_code == 0, done.output
    records = [json.loads(line) for line in done.stdout.splitlines()]
    events = [r["event"] for r in records]
    assert events.count("concept_added") == 2 and events.count("conflict") == 3
    assert records[-1]["event"] == "summary" and records[-1]["dry_run"] is True


def test_cli_export_json_and_format_from_extension(folder, tmp_path):
    out = tmp_path / "zh-en.csv"
    done = runner.invoke(
        app,
        [
            "glossary",
            "export",
            "-g",
            str(folder),
            "-o",
            str(out),
            "--shape",
            "deepl",
            "--pair",
            "zh-en",
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    assert record["format"] == "csv" and record["shape"] == "deepl"
    assert record["pair"] == ["zh-Hans", "en"] and record["rows"] == 8


BAD_INPUTS = [
    ("broken.tbx", '<?xml version="1.0"?>\n<tbx>\n  <text>\n</tbx>\n', "not well-formed XML", 4),
    ("empty.tbx", "", "empty file", None),
    ("page.xml", "<html>\n<body/>\n</html>\n", "not a TBX file", 1),
    (
        "french.tbx",
        '<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="c1">\n'
        '<langSec xml:lang="fr"><termSec><term>OTAN</term></termSec></langSec>\n'
        "</conceptEntry></body></text></tbx>\n",
        "unknown language code 'fr'",
        2,
    ),
    ("empty.csv", "", "empty file", None),
    ("blank.csv", "\n\n", "empty file", None),
    ("columns.csv", "en,de\nNATO,NATO\nEU,EU,extra\n", "row has 3 columns", 3),
    ("codes.csv", "en,fr\nNATO,OTAN\n", "unknown language code 'fr'", 1),
    ("latin1.csv", "en,de\nfoo,Gr\xfc\xdfe\n", "not UTF-8", None),
    ("status.tbx", None, "unknown administrativeStatus", None),
]


@pytest.mark.parametrize(("name", "content", "message", "line"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    folder, tmp_path, name, content, message, line
):
    bad = tmp_path / name
    if name == "latin1.csv":
        bad.write_bytes(content.encode("latin-1"))
    elif content is None:
        bad.write_text(
            MARTIF.read_text(encoding="utf-8").replace("admittedTerm-admn-sts", "approved"),
            encoding="utf-8",
        )
        line = line_of(bad, ">approved<")
    else:
        bad.write_text(content, encoding="utf-8")
    before = snapshot_bytes(folder)
    done = runner.invoke(app, ["glossary", "import", str(bad), "--glossary", str(folder)])
    assert done.exit_code == 2, done.output
    assert done.stdout == ""
    error = done.stderr.strip()
    assert "\n" not in error and "Traceback" not in error
    assert message in error
    where = f"{bad}:{line}:" if line else f"{bad}:"
    assert error.startswith(f"error: {where}"), error
    assert snapshot_bytes(folder) == before


def test_headerless_csv_needs_a_pair(folder, tmp_path):
    sheet = tmp_path / "deepl.csv"
    sheet.write_text("北约,NATO\n", encoding="utf-8")
    done = runner.invoke(app, ["glossary", "import", str(sheet), "-g", str(folder)])
    assert done.exit_code == 2 and "--pair" in done.stderr
    done = runner.invoke(
        app, ["glossary", "import", str(sheet), "-g", str(folder), "--pair", "zh-en"]
    )
    assert done.exit_code == 0 and "0 conflicts" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "tsv"],  # omegat needs --pair
        ["--format", "xlsx"],
        ["--shape", "deepl"],  # bilingual without --pair
        ["--pair", "en-fr"],
    ],
)
def test_cli_export_usage_errors(folder, tmp_path, args):
    out = tmp_path / "out.csv"
    done = runner.invoke(app, ["glossary", "export", "-g", str(folder), "-o", str(out), *args])
    assert done.exit_code == 2, done.output
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
    assert not out.exists()


# --- the real glossary ------------------------------------------------------------------------


def _term_facts(term: Term) -> tuple:
    return (term.lang, term.text, term.status, term.case_sensitive, term.dnt, term.region)


def test_real_glossary_round_trips_through_tbx(tmp_path, reference_dir):
    real = ROOT / "glossary"
    if not any(real.glob("*.toml")):
        pytest.skip("glossary/ holds no TOML file yet")
    original = load_glossary(real)
    out = tmp_path / "glossary.tbx"
    export_glossary(original, out, "tbx")
    report = import_glossary_file(out, tmp_path / "copy")
    assert not report.conflicts
    imported = load_glossary(tmp_path / "copy")
    assert {c.id for c in imported} == {c.id for c in original}
    for concept in original:
        twin = imported.get(concept.id)
        assert (twin.type, twin.definition, twin.note, twin.refs) == (
            concept.type,
            concept.definition,
            concept.note,
            concept.refs,
        )
        assert sorted(map(_term_facts, twin.terms)) == sorted(map(_term_facts, concept.terms))
        written = [(t.lang, t.text, t.seen, t.note) for t in concept.terms if not t.derived]
        assert [(t.lang, t.text, t.seen, t.note) for t in twin.terms if not t.derived] == sorted(
            written, key=lambda fact: LANG_ORDER.get(fact[0], 9)
        ), concept.id
    # And importing it back into the real glossary would change nothing.
    again = import_glossary_file(out, real, dry_run=True)
    assert (again.concepts_added, again.terms_added, again.conflicts) == ([], [], [])


def test_homonyms_survive_a_tbx_round_trip_and_are_no_reason_to_merge(tmp_path):
    """沃尔兹 belongs to Mike Waltz and Tim Walz; TBX carries its cues, and importing keeps two
    concepts, each with the term and its cues."""
    source = Path(__file__).parent / "data" / "glossary" / "context"
    original = load_glossary(source)
    out = tmp_path / "context.tbx"
    export_glossary(original, out, "tbx")
    report = import_glossary_file(out, tmp_path / "copy")
    assert not report.conflicts
    imported = load_glossary(tmp_path / "copy")
    for concept_id in ("mike-waltz", "tim-walz"):
        (term,) = [t for t in imported.get(concept_id).terms if t.text == "沃尔兹"]
        (known,) = [t for t in original.get(concept_id).terms if t.text == "沃尔兹"]
        assert (term.near, term.not_near) == (known.near, known.not_near)
    taurus = {t.text: t for t in imported.get("taurus").terms}
    assert taurus["金牛座"].not_near == ("星座",)
    again = import_glossary_file(out, source, dry_run=True)
    assert (again.concepts_added, again.terms_added, again.conflicts) == ([], [], [])


def test_a_concept_whose_every_term_has_cues_is_known_by_its_id(tmp_path):
    """A "2% target" concept carries cues on every term (central banks have one too): no term
    identifies it, so its id must — importing its own export adds nothing."""
    folder = tmp_path / "glossary"
    folder.mkdir()
    (folder / "policy.toml").write_text(
        """[[concept]]
id = "two-percent-target"
type = "policy"
terms = [
  { lang = "en", text = "2% target", status = "preferred", near = ["NATO"] },
  { lang = "de", text = "Zwei-Prozent-Ziel", status = "preferred", near = ["Nato"] },
]
""",
        encoding="utf-8",
    )
    out = tmp_path / "g.tbx"
    export_glossary(load_glossary(folder), out, "tbx")
    again = import_glossary_file(out, folder, dry_run=True)
    assert (again.concepts_added, again.terms_added, again.conflicts) == ([], [], [])
    # Under another id it is a new concept (its terms are homonyms, not proof of identity).
    text = out.read_text(encoding="utf-8").replace("two-percent-target", "nato-goal")
    out.write_text(text, encoding="utf-8")
    report = import_glossary_file(out, folder, dry_run=True)
    assert [c.id for c in report.concepts_added] == ["nato-goal"]
