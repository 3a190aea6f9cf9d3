"""Export formats: round-trips, TMX validity and interoperability, atomic writes, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.corpus.formats import (
    ALL,
    FORMAT_NAMES,
    UNIT_STATUSES,
    ExportMeta,
    Format,
    get_format,
    moses,
    tmx,
    tsv,
)
from toolkit.errors import CatalogError, ToolkitWarning, UsageError
from toolkit.models import Unit, UnitTerm

META = ExportMeta(
    src_lang="zh-Hans",
    tgt_lang="en",
    signature="toolkit 0.1.0|engine:ctranslate2 4.5|beam:4|glossary:sha256:cd34|opencc:t2s",
)
# Characters XML 1.0 cannot carry; TMX refuses them, every other format carries them.
NOT_XML = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + [
    "\ufffe",
    "\uffff",
]
TRICKY = [
    *"\t\n\r\\\"'<>&;|,",
    "\r\n",
    "😀",
    "中國人",
    "שלום",
    "ـعـ",
    "\u2028",
    "\x85",
    "\ufeff",
]


# PO escapes only tab, newline, carriage return, quote and backslash; it refuses other controls
# and the line separators its readers split on.
NOT_PO = [c for c in NOT_XML if c not in "\t\n\r"] + ["\x7f", "\x85", "\u2028", "\u2029"]


def texts(xml_only: bool = False, po: bool = False) -> st.SearchStrategy[str]:
    """Arbitrary text, weighted towards characters that break naive writers."""
    excluded = NOT_XML if xml_only else NOT_PO if po else None
    chars = st.characters(codec="utf-8", exclude_characters=excluded)
    tricky = [t for t in TRICKY if not po or not set(t) & set(NOT_PO)]
    return st.lists(st.one_of(chars, st.sampled_from(tricky)), max_size=12).map("".join)


def units(
    xml_only: bool = False, po: bool = False, pairs: list[tuple[str, str]] | None = None
) -> st.SearchStrategy[Unit]:
    text = texts(xml_only, po)
    pair = st.sampled_from(pairs or [(META.src_lang, META.tgt_lang)])
    # PO needs a segment id and a source (an empty msgid is its header) and a plain document name.
    required = text.filter(bool) if po else text
    doc = st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True) if po else text
    term = st.builds(UnitTerm, text, text, text, text)
    unit = st.builds(
        Unit,
        id=required,
        doc=doc,
        source=required,
        target=text,
        src_lang=st.just(META.src_lang),
        tgt_lang=st.just(META.tgt_lang),
        status=st.sampled_from(UNIT_STATUSES),
        terms=st.lists(term, max_size=3).map(tuple),
        signature=st.one_of(st.just(META.signature), text),
        line=st.one_of(st.none(), st.integers(-(2**63), 2**63)),
        note=text,
        kind=st.one_of(st.sampled_from(["body", "title"]), text),
    )
    return st.tuples(unit, pair).map(
        lambda drawn: replace(drawn[0], src_lang=drawn[1][0], tgt_lang=drawn[1][1])
    )


def unit_lists(xml_only: bool = False, po: bool = False) -> st.SearchStrategy[list[Unit]]:
    return st.lists(units(xml_only, po), min_size=1, max_size=5)


def sample_units(name: str = "") -> list[Unit]:
    """A fixed, varied corpus: note or not, terms, own or export signature, unknown line.

    PO cannot hold an empty source (an empty msgid is its header), so its corpus has none."""
    term = UnitTerm("chancellor-de", "Federal Chancellor", "联邦总理", "Federal Chancellor")
    pair = {"src_lang": "zh-Hans", "tgt_lang": "en"}
    return [
        Unit(
            "001-p001-s01",
            "001",
            "德国联邦总理访问北京。",
            "The Federal Chancellor visits Beijing.",
            **pair,
            status="reviewed",
            terms=(term,),
            signature=META.signature,
            line=3,
            note="checked <&>",
            kind="title",
        ),
        Unit(
            "001-p002-s01",
            "001",
            "  多个  空格\t和制表符 ",
            "several  spaces\tand tabs ",
            **pair,
            signature="other|signature",
        ),
        Unit(
            "002-p001-s01",
            "002",
            "空" if name == "po" else "",
            "",
            **pair,
            status="needs_review",
            terms=(term, term),
            line=1,
        ),
    ]


def out_path(folder: Path, name: str) -> Path:
    fmt = get_format(name)
    return folder / f"corpus{fmt.suffixes[0] if fmt.suffixes else ''}"


def write_quietly(name: str, items: object, out: Path, meta: ExportMeta = META) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ToolkitWarning)  # Moses reports flattened line breaks
        return get_format(name).write(items, out, meta)  # type: ignore[arg-type]


# --- registry -------------------------------------------------------------------------------


def test_registry_lists_every_format_module() -> None:
    assert set(FORMAT_NAMES) >= {"tmx", "tsv", "moses", "jsonl"}
    for name in FORMAT_NAMES:
        fmt = get_format(name)
        assert isinstance(fmt, Format)
        assert fmt.name == name


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown export format"):
        get_format("xliff")


def test_lxml_loads_only_for_tmx() -> None:
    code = (
        "import sys; from toolkit.corpus.formats import get_format\n"
        "for name in ('tsv', 'jsonl', 'moses'): get_format(name)\n"
        "print('lxml' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[1]
    )
    assert result.stdout.strip() == "False", result.stderr


# --- round-trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMAT_NAMES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(name: str, data: st.DataObject) -> None:
    items = data.draw(unit_lists(xml_only=name == "tmx", po=name == "po"))
    fmt = get_format(name)
    with tempfile.TemporaryDirectory() as folder:
        out = out_path(Path(folder), name)
        assert write_quietly(name, iter(items), out) == len(items)
        assert list(fmt.read(out)) == [fmt.carry(unit, META) for unit in items]


_PAIRS = [("zh-Hans", "en"), ("zh-Hant", "en"), ("de", "en"), ("en", "en"), ("de", "zh-Hant")]


@pytest.mark.parametrize("name", [name for name in FORMAT_NAMES if get_format(name).multilingual])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_multilingual_round_trip(name: str, data: st.DataObject) -> None:
    """An export of every pair (TMX srclang="*all*", TSV and JSONL rows) reads back as written,
    same-language units (an English notice of an English translation) included."""
    items = data.draw(st.lists(units(xml_only=name == "tmx", pairs=_PAIRS), min_size=1, max_size=6))
    meta = ExportMeta(ALL, ALL, "toolkit 0.1.0|engine:x")
    fmt = get_format(name)
    with tempfile.TemporaryDirectory() as folder:
        out = out_path(Path(folder), name)
        assert fmt.write(iter(items), out, meta) == len(items)
        assert list(fmt.read(out)) == [fmt.carry(unit, meta) for unit in items]


def test_single_pair_formats_refuse_several_pairs(tmp_path: Path) -> None:
    meta = ExportMeta(ALL, ALL, "sig")
    assert not get_format("moses").multilingual and not get_format("po").multilingual
    with pytest.raises(CatalogError):
        get_format("moses").write(sample_units(), tmp_path / "m", meta)


@pytest.mark.parametrize("name", ["tmx", "tsv", "jsonl"])
def test_rich_formats_keep_every_field(name: str, tmp_path: Path) -> None:
    items = sample_units(name)
    out = out_path(tmp_path, name)
    get_format(name).write(items, out, META)
    assert list(get_format(name).read(out)) == items


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_output_is_reproducible(name: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    write_quietly(name, sample_units(name), out_path(first, name))
    write_quietly(name, sample_units(name), out_path(second, name))
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for file_name in files:
        assert (first / file_name).read_bytes() == (second / file_name).read_bytes()


# --- TMX ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tmx_dtd(reference_dir: Path):  # an lxml DTD
    from lxml import etree

    path = reference_dir / "tmx" / "tmx14.dtd"
    if not path.is_file():
        pytest.skip("tmx14.dtd is not in the reference folder")
    return etree.DTD(str(path))


@settings(max_examples=25, deadline=None)
@given(items=unit_lists(xml_only=True))
def test_tmx_is_valid_against_the_dtd(tmx_dtd, items: list[Unit]) -> None:
    from lxml import etree

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "corpus.tmx"
        tmx.write(items, out, META)
        document = etree.parse(str(out))
    assert tmx_dtd.validate(document), tmx_dtd.error_log.filter_from_errors()
    root = document.getroot()
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert header.get("srclang") == META.src_lang
    assert header.get("segtype") == "sentence"
    assert header.get("datatype") == "plaintext"
    assert header.findtext("prop[@type='x-signature']") == META.signature
    assert [tu.get("tuid") for tu in root.iter("tu")] == [unit.id for unit in items]


def test_tmx_passes_xmllint_dtdvalid(reference_dir: Path, tmp_path: Path) -> None:
    xmllint = shutil.which("xmllint")
    dtd = reference_dir / "tmx" / "tmx14.dtd"
    if xmllint is None or not dtd.is_file():
        pytest.skip("xmllint (libxml2-utils) or tmx14.dtd is absent")
    out = tmp_path / "corpus.tmx"
    tmx.write(sample_units(), out, META)
    result = subprocess.run(
        [xmllint, "--noout", "--dtdvalid", str(dtd), str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@settings(max_examples=25, deadline=None)
@given(items=unit_lists(xml_only=True))
def test_translate_toolkit_reads_the_same_units(items: list[Unit]) -> None:
    from translate.storage.tmx import tmxfile

    # translate-toolkit falls back to the source text as id when tuid is empty; ours never are.
    items = [replace(unit, id=f"{number}-{unit.id}") for number, unit in enumerate(items)]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "corpus.tmx"
        tmx.write(items, out, META)
        with open(out, "rb") as stream:
            store = tmxfile(stream)
    assert store.sourcelanguage == META.src_lang
    read = [(u.getid(), u.source, u.target, u.getnotes()) for u in store.units]
    assert read == [(u.id, u.source, u.target, u.note) for u in items]


@pytest.mark.parametrize("field", ["source", "target", "id", "note", "doc"])
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_tmx_refuses_characters_xml_cannot_carry(tmp_path: Path, field: str, char: str) -> None:
    good = sample_units()[0]
    bad = replace(good, **{field: f"a{char}b"})
    out = tmp_path / "corpus.tmx"
    with pytest.raises(CatalogError, match=f"{field} holds U\\+{ord(char):04X}"):
        tmx.write([good, bad], out, META)
    assert list(tmp_path.iterdir()) == []


def test_tmx_terms_carry_control_characters_as_json(tmp_path: Path) -> None:
    unit = Unit("1", "d", "s", "t", "zh-Hans", "en", terms=(UnitTerm("c\x01", "e", "s", "t"),))
    tmx.write([unit], tmp_path / "c.tmx", META)
    assert list(tmx.read(tmp_path / "c.tmx")) == [unit]


# --- TSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("a\tb", "a\\tb"),
        ("line\nbreak", "line\\nbreak"),
        ("cr\r\n", "cr\\r\\n"),
        ("back\\slash", "back\\\\slash"),
        ("literal \\t", "literal \\\\t"),
        ('"quoted", <&>', '"quoted", <&>'),
    ],
)
def test_tsv_escaping(text: str, field: str) -> None:
    assert tsv.escape(text) == field
    assert tsv.unescape(field) == text


@given(text=texts())
def test_tsv_field_never_holds_a_raw_separator(text: str) -> None:
    field = tsv.escape(text)
    assert not {"\t", "\n", "\r"} & set(field)
    assert tsv.unescape(field) == text


@pytest.mark.parametrize("field", ["bad \\x escape", "trailing \\"])
def test_tsv_unknown_escape_raises(field: str) -> None:
    with pytest.raises(CatalogError, match="unknown escape"):
        tsv.unescape(field, Path("c.tsv"), 7)


def test_tsv_header_names_the_columns(tmp_path: Path) -> None:
    out = tmp_path / "c.tsv"
    tsv.write(sample_units(), out, META)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0].split("\t") == list(tsv.COLUMNS)
    assert all(len(line.split("\t")) == len(tsv.COLUMNS) for line in lines[1:-1])


# --- Moses ----------------------------------------------------------------------------------


def test_moses_files_are_line_aligned(tmp_path: Path) -> None:
    items = [
        Unit("1", "d", "一\n二", "one\r\ntwo", "zh-Hans", "en"),
        Unit("2", "d", "三\u2028四\x85", "three\vfour\f", "zh-Hans", "en"),
        Unit("3", "d", "五", "five", "zh-Hans", "en"),
    ]
    with pytest.warns(ToolkitWarning, match="2 unit"):
        assert moses.write(items, tmp_path / "corpus", META) == 3
    files = moses.paths(tmp_path / "corpus", META.src_lang, META.tgt_lang)
    assert [p.name for p in files] == [
        "corpus.zh-Hans",
        "corpus.en",
        "corpus.ids",
        "corpus.meta.json",
    ]
    for path in files[:3]:
        # splitlines breaks on every Unicode line boundary: the strictest reader there is.
        assert len(path.read_text(encoding="utf-8").splitlines()) == len(items)
    assert files[0].read_text(encoding="utf-8").splitlines()[0] == "一 二"
    meta = json.loads(files[3].read_text(encoding="utf-8"))
    assert (meta["src_lang"], meta["tgt_lang"], meta["signature"]) == (
        META.src_lang,
        META.tgt_lang,
        META.signature,
    )


def test_moses_reads_a_corpus_made_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "c.de").write_text("Hallo\nWelt\n", encoding="utf-8")
    (tmp_path / "c.en").write_text("Hello\nworld\n", encoding="utf-8")
    read = list(moses.read(tmp_path / "c", src_lang="de", tgt_lang="en"))
    assert [(u.id, u.source, u.target) for u in read] == [
        ("1", "Hallo", "Hello"),
        ("2", "Welt", "world"),
    ]


@pytest.mark.parametrize(("src", "tgt"), [("en", "en"), ("zh/Hans", "en"), ("ids", "en")])
def test_moses_refuses_pairs_it_cannot_name(tmp_path: Path, src: str, tgt: str) -> None:
    meta = ExportMeta(src, tgt, "sig")
    with pytest.raises(CatalogError, match="cannot name Moses files"):
        moses.write([Unit("1", "d", "a", "b", src, tgt)], tmp_path / "c", meta)
    assert list(tmp_path.iterdir()) == []


def test_moses_files_appear_together_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls = []

    def failing_second_rename(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_second_rename)
    with pytest.raises(CatalogError, match="cannot write"):
        moses.write(sample_units(), tmp_path / "corpus", META)
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []


# --- atomic writes and bad input ------------------------------------------------------------


def failing_after(count: int) -> Iterator[Unit]:
    yield from sample_units()[:count]
    raise RuntimeError("the upstream stage failed")


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_failure_midway_leaves_no_file(name: str, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="upstream stage failed"):
        get_format(name).write(failing_after(2), out_path(tmp_path, name), META)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_failure_midway_keeps_the_previous_export(name: str, tmp_path: Path) -> None:
    out = out_path(tmp_path, name)
    write_quietly(name, sample_units(name), out)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(RuntimeError):
        get_format(name).write(failing_after(1), out, META)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_empty_export_raises_and_writes_nothing(name: str, tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no units to export"):
        get_format(name).write(iter(()), out_path(tmp_path, name), META)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_other_language_pair_raises(name: str, tmp_path: Path) -> None:
    stray = Unit("9", "d", "Hallo", "Hello", "de", "en")
    with pytest.raises(CatalogError, match="de→en, but this export is zh-Hans→en"):
        get_format(name).write([*sample_units(name), stray], out_path(tmp_path, name), META)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_missing_folder_is_one_clear_error(name: str, tmp_path: Path) -> None:
    out = out_path(tmp_path / "missing", name)
    with pytest.raises(CatalogError, match="cannot write") as caught:
        get_format(name).write(sample_units(name), out, META)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", ["tsv", "jsonl", "moses"])
def test_lone_surrogate_is_a_catalog_error(name: str, tmp_path: Path) -> None:
    bad = Unit("1", "d", "broken \udc80 decode", "t", "zh-Hans", "en")
    with pytest.raises(CatalogError, match="UTF-8"):
        get_format(name).write([bad], out_path(tmp_path, name), META)
    assert list(tmp_path.iterdir()) == []


BAD_FILES = [
    ("tsv", "c.tsv", "source\ttarget\n", "missing column"),
    ("tsv", "c.tsv", "source\ttarget\tsrc_lang\ttgt_lang\na\tb\tzh-Hans\n", "3 fields"),
    ("tsv", "c.tsv", "source\ttarget\tsrc_lang\ttgt_lang\tstatus\na\tb\tde\ten\tdone\n", "status"),
    ("jsonl", "c.jsonl", '{"meta": {}}\n', "export metadata"),
    ("jsonl", "c.jsonl", "{not json\n", "not a JSON object"),
    ("jsonl", "c.jsonl", '{"id": "1", "source": "a"}\n', "doc, target"),
    ("tmx", "c.tmx", "<tmx><header srclang='en'/><body><tu>", "not well-formed"),
    ("tmx", "c.tmx", "<tmx><body><tu><tuv xml:lang='en'><seg/></tuv></tu></body></tmx>", "header"),
    (
        "tmx",
        "c.tmx",
        "<tmx><header srclang='en'/><body><tu><tuv xml:lang='de'><seg>a</seg></tuv></tu>"
        "</body></tmx>",
        "expected the source and one target",
    ),
]


@pytest.mark.parametrize(("name", "file_name", "content", "message"), BAD_FILES)
def test_readers_report_bad_files(
    tmp_path: Path, name: str, file_name: str, content: str, message: str
) -> None:
    path = tmp_path / file_name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=message) as caught:
        list(get_format(name).read(path))
    assert caught.value.path == str(path)


def test_moses_reader_reports_misaligned_files(tmp_path: Path) -> None:
    write_quietly("moses", sample_units(), tmp_path / "c")
    target = tmp_path / "c.en"
    target.write_text("only one line\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not line-aligned") as caught:
        list(moses.read(tmp_path / "c"))
    assert caught.value.line == 2


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_reading_a_missing_file_is_a_catalog_error(name: str, tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        list(get_format(name).read(out_path(tmp_path, name)))


def test_jsonl_meta_line_round_trips(tmp_path: Path) -> None:
    from toolkit.corpus.formats import jsonl

    out = tmp_path / "c.jsonl"
    jsonl.write(sample_units(), out, META)
    assert jsonl.read_meta(out) == META
    assert json.loads(out.read_text(encoding="utf-8").split("\n")[0])["meta"]["format"] == "jsonl"
