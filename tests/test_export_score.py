"""`toolkit export` from the catalogs and `toolkit score` against the reviewed references."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.corpus.catalog import read_units
from toolkit.corpus.export import parse_pair
from toolkit.corpus.formats import get_format
from toolkit.errors import UsageError
from toolkit.mt import packages
from toolkit.testing.models import build_package

from .conftest import ROOT

TRANSLATIONS = ROOT / "translations"
REFERENCE_UNITS = list(read_units(TRANSLATIONS))


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("zh-en", ("zh", "en")),
        ("zh-Hant-en", ("zh-Hant", "en")),
        ("de-zh-Hant-TW", ("de", "zh-Hant-TW")),
        ("en-zh-Hans", ("en", "zh-Hans")),
    ],
)
def test_pairs_are_read_with_script_and_region_subtags(text: str, pair) -> None:
    assert parse_pair(text) == pair


def test_an_unreadable_pair_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        parse_pair("klingon-en")


@pytest.mark.parametrize("fmt", ["tmx", "tsv", "moses", "jsonl", "po"])
@pytest.mark.parametrize("pair", ["zh-Hans-en", "zh-Hant-en", "de-en"])
def test_every_format_exports_exactly_the_pair(fmt: str, pair: str, tmp_path: Path) -> None:
    out = tmp_path / f"corpus.{fmt}"
    result = run("export", "--format", fmt, "--pair", pair, "--out", str(out))
    assert result.exit_code == 0, result.output
    src, tgt = parse_pair(pair)
    expected = [u for u in REFERENCE_UNITS if (u.src_lang, u.tgt_lang) == (src, tgt)]
    got = list(get_format(fmt).read(out))
    assert [u.id for u in got] == [u.id for u in expected]
    assert [u.target for u in got] == [u.target for u in expected]
    if fmt != "moses":  # plain text files carry no status
        assert {u.status for u in got} == {"reviewed"}


def test_tmx_export_of_the_references_is_valid_tmx_1_4(tmp_path: Path, reference_dir) -> None:
    if not shutil.which("xmllint"):
        pytest.skip("xmllint is not installed")
    out = tmp_path / "c.tmx"
    assert run("export", "--pair", "zh-Hant-en", "--out", str(out)).exit_code == 0
    dtd = reference_dir / "tmx" / "tmx14.dtd"
    subprocess.run(["xmllint", "--noout", "--dtdvalid", str(dtd), str(out)], check=True)
    assert "toolkit 0.1.0|engine:" in out.read_text()


def test_tmx_of_everything_is_one_valid_file_with_every_entry(
    tmp_path: Path, reference_dir
) -> None:
    """No --pair: one TMX with srclang="*all*" holding every catalog entry, each <tu> with its
    own srclang; DTD-valid, and read back by translate-toolkit and by us unit for unit."""
    from translate.storage.tmx import tmxfile

    from toolkit.corpus.catalog import read_units

    out = tmp_path / "all.tmx"
    result = run("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "(all language pairs)" in result.stderr
    entries = list(read_units(ROOT / "translations"))
    text = out.read_text(encoding="utf-8")
    assert 'srclang="*all*"' in text and text.count("<tu ") == len(entries)
    if shutil.which("xmllint"):
        dtd = reference_dir / "tmx" / "tmx14.dtd"
        subprocess.run(["xmllint", "--noout", "--dtdvalid", str(dtd), str(out)], check=True)
    with open(out, "rb") as handle:
        assert len(tmxfile(handle).units) == len(entries)
    back = list(get_format("tmx").read(out))
    assert [(u.id, u.src_lang, u.tgt_lang, u.source, u.target) for u in back] == [
        (u.id, u.src_lang, u.tgt_lang, u.source, u.target) for u in entries
    ]
    # The English notice of an English translation is no pair: one <tuv>, its text.
    (notice,) = [u for u in back if u.src_lang == u.tgt_lang]
    assert notice.source == notice.target and notice.src_lang == "en"


@pytest.mark.parametrize("fmt", ["tsv", "jsonl"])
def test_tsv_and_jsonl_hold_every_pair_too(tmp_path: Path, fmt: str) -> None:
    from toolkit.corpus.catalog import read_units

    out = tmp_path / f"all.{fmt}"
    assert run("export", "--format", fmt, "--out", str(out)).exit_code == 0
    pairs = {(u.src_lang, u.tgt_lang) for u in get_format(fmt).read(out)}
    assert pairs == {(u.src_lang, u.tgt_lang) for u in read_units(ROOT / "translations")}
    assert len(pairs) == 4


def test_po_export_passes_msgfmt(tmp_path: Path) -> None:
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt is not installed")
    out = tmp_path / "c.po"
    assert run("export", "--format", "po", "--pair", "de-en", "--out", str(out)).exit_code == 0
    subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(out)], check=True)


def test_docs_select_documents(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    result = run("export", "-f", "jsonl", "--pair", "zh-en", "--docs", "000", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {u.doc for u in get_format("jsonl").read(out)} == {"000"}


def test_export_reads_jsonl_shards_of_a_large_run(tmp_path: Path) -> None:
    """A large (or Ray) run streams its units as JSONL — `translate --json` lines or JSONL
    exports, in shards; one export reads them all back into any format, filters applied."""
    from toolkit.corpus.catalog import unit_record

    shards = tmp_path / "shards"
    (shards / "node-2").mkdir(parents=True)
    by_doc: dict[str, list] = {}
    for unit in REFERENCE_UNITS:
        by_doc.setdefault(unit.doc, []).append(unit)
    docs = sorted(by_doc)
    # Two documents as `translate --json` prints them, the rest as JSONL exports, one nested.
    for doc in docs[:2]:
        lines = [json.dumps(unit_record(u), ensure_ascii=False) for u in by_doc[doc]]
        (shards / f"part-{doc}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for doc in docs[2:]:
        assert (
            run(
                "export",
                "-f",
                "jsonl",
                "--docs",
                doc,
                "--out",
                str(shards / "node-2" / f"part-{doc}.jsonl"),
            ).exit_code
            == 0
        )
    out = tmp_path / "all.tmx"
    walks = []
    real_rglob = Path.rglob
    # The folder is walked once: both passes of the export read the same files.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "rglob", lambda self, *a: walks.append(self) or real_rglob(self, *a))
        result = run("export", "--from-jsonl", str(shards), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert walks == [shards]
    back = list(get_format("tmx").read(out))
    assert sorted(u.id for u in back) == sorted(u.id for u in REFERENCE_UNITS)
    assert {u.id: u.target for u in back} == {u.id: u.target for u in REFERENCE_UNITS}
    # Filters apply to shards as to catalogs.
    one = tmp_path / "one.jsonl"
    picked = run(
        "export", "-f", "jsonl", "--from-jsonl", str(shards), "--docs", docs[0],
        "--pair", "zh-en", "--reviewed-only", "--out", str(one),
    )  # fmt: skip
    assert picked.exit_code == 0, picked.output
    assert {u.doc for u in get_format("jsonl").read(one)} == {docs[0]}
    # A broken shard is one line naming the file and line, and nothing is written.
    (shards / "part-zz.jsonl").write_text('{"segment": "x"}\n', encoding="utf-8")
    bad = run("export", "--from-jsonl", str(shards), "--out", str(tmp_path / "bad.tmx"))
    assert bad.exit_code == 2
    assert "part-zz.jsonl:1" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bad.tmx").exists()
    missing = run("export", "--from-jsonl", str(tmp_path / "nowhere"), "--out", str(out))
    assert missing.exit_code == 2 and "nowhere" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "moses"],
            "the selection spans several language pairs: de-en (31), en-en (1), zh-Hans-en (129), "
            "zh-Hant-en (108), and moses holds one",
        ),
        (["--format", "po", "--pair", "zh-en"], "zh-Hans-en (129), zh-Hant-en (108), and po holds"),
        (["--pair", "de-en", "--docs", "000"], "no units match the selection"),
        (["--format", "xliff"], "unknown export format 'xliff'"),
        (["--pair", "xx-en"], "cannot read language pair 'xx-en'"),
    ],
)
def test_bad_selections_are_one_line_and_write_nothing(args, message, tmp_path: Path) -> None:
    result = run("export", "--out", str(tmp_path / "c.tmx"), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def copy_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_package_file) -> None:
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    packages.install_file(copy_package_file)
    packages.install_file(build_package("copy", "de", "en", tmp_path / "de_en.argosmodel"))


def score_rows(*args: str) -> list[dict]:
    result = run("score", str(TRANSLATIONS), "--no-install", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_score_reports_bleu_chrf_and_term_accuracy(copy_models) -> None:
    enforced = {row["doc"]: row for row in score_rows()}
    assert set(enforced) == {"000", "001", "002", "003", "all"}
    # The copy model echoes the source: only the protected terms come out in English.
    assert enforced["all"]["term_accuracy"] == 100.0
    assert enforced["all"]["terms"] > 500
    assert enforced["all"]["bleu"] < 10
    assert enforced["all"]["bleu_signature"].startswith("nrefs:1|case:mixed")
    assert "model:translate-zh_en-test_copy" in enforced["all"]["signature"]
    raw = {row["doc"]: row for row in score_rows("--no-glossary")}
    assert raw["all"]["term_accuracy"] < 50
    assert raw["003"]["term_accuracy"] < enforced["003"]["term_accuracy"]


def test_score_never_uses_the_references_as_output(copy_models) -> None:
    (row,) = [r for r in score_rows("--model", "de-en") if r["doc"] == "all"]
    assert row["bleu"] < 50  # the echoed German is far from the English reference


def test_score_without_a_package_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    result = run("score", str(TRANSLATIONS), "--no-install", "--model", "de-en")
    assert result.exit_code == 2
    assert "no translation package for de→en" in result.stderr
