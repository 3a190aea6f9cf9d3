"""Translated documents in the source's shape (toolkit/corpus/documents.py, inline.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.corpus.documents import output_name, translated_document
from toolkit.ingest import read_document, read_layout
from toolkit.mt.memory import TranslationMemory
from toolkit.mt.pipeline import CorpusTranslator, TranslateOptions
from toolkit.segment import SEGMENTER_ID, iter_segments

from .conftest import ROOT, install
from .test_translate import GLOSSARY

runner = CliRunner()
_LINE_KINDS = (
    ("blank", re.compile(r"\s*")),
    ("comment", re.compile(r"<!--.*-->")),
    ("rule", re.compile(r"(?:-[ ]?){3,}|={3,}")),
    ("image", re.compile(r"!\[[^\]]*\]\([^)]*\)")),
    ("link", re.compile(r"\[[^\]]+\]\([^()\s]+\)")),
    ("heading", re.compile(r"#{1,6} .*")),
)


def line_shape(line: str) -> str:
    stripped = line.strip()
    return next((kind for kind, rule in _LINE_KINDS if rule.fullmatch(stripped)), "text")


def structure(path_or_text: Path | str) -> tuple[list, list]:
    """(shape of each line before the HTML part, (tag, attributes) of every HTML node)."""
    if isinstance(path_or_text, Path):
        _document, _layout, text = read_layout(path_or_text)
    else:
        text = path_or_text
    lines = text.split("\n")
    cut = next((i for i, line in enumerate(lines) if re.match(r"\s*<(?!!--)[a-zA-Z]", line)), None)
    plain = [line_shape(line) for line in lines[:cut]]
    nodes = []
    if cut is not None:
        root = lxml.html.fragment_fromstring("\n".join(lines[cut:]), create_parent="div")
        nodes = [
            (node.tag if isinstance(node.tag, str) else "#comment", list(node.attrib.items()))
            for node in root.iter()
        ]
    return plain, nodes


@pytest.fixture
def copy_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package_files) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    install(package_files, ("copy", "zh", "en"), ("copy", "de", "en"))


def copy_translate(paths: list[Path], tmp_path: Path, target: str = "en"):
    with TranslationMemory(tmp_path / "memory.sqlite3") as memory:
        translator = CorpusTranslator(GLOSSARY, memory, TranslateOptions(target=target))
        return list(translator.run(iter_segments(paths), SEGMENTER_ID))


SEED_FILES = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_copy_model_keeps_each_seeds_structure(seed: Path, copy_models, tmp_path: Path) -> None:
    units = copy_translate([seed], tmp_path)
    out = translated_document(seed, units, "en")
    source = seed.read_text(encoding="utf-8")
    assert structure(out) == structure(source)
    source_lines, out_lines = source.split("\n"), out.split("\n")
    assert len(out_lines) == len(source_lines)
    document = read_document(seed)
    translated = 0
    for paragraph in document.paragraphs:
        line = paragraph.line - 1
        if paragraph.tag == "en" or line >= len(source_lines):
            continue
        if "<" not in source_lines[line]:
            translated += source_lines[line] != out_lines[line]
    # Metadata lines (publication time, source URL) pass through untouched.
    for before, after in zip(source_lines, out_lines, strict=True):
        if re.match(r"(发布时间|源地址|Quelle|Datum)\s*[:：]", before):
            assert before == after
    assert translated or "<p>" in source
    # Every glossary rendering the copy model put in is in the document.
    body = lxml.html.fromstring(f"<div>{out}</div>").text_content()
    for unit in units:
        for term in unit.terms:
            assert term.target_term in body, (unit.id, term)


def test_html_inline_markup_wraps_the_term_rendering(copy_models, tmp_path: Path) -> None:
    source = tmp_path / "a.html"
    source.write_text(
        '<p>此前，基辅领导人一直担心<span data-id="1" title="x">特朗普</span>会阻挠'
        '<a href="https://e.org/?a=1&amp;b=2">对乌克兰的军援</a>。</p>\n<p>北约 &amp; 欧盟</p>\n',
        encoding="utf-8",
    )
    units = copy_translate([source], tmp_path)
    out = translated_document(source, units, "en")
    assert '<span data-id="1" title="x">Trump</span>' in out
    assert '<a href="https://e.org/?a=1&amp;b=2">对Ukraine的军援</a>' in out
    nato, eu = (GLOSSARY.target_term(c, "en") for c in ("nato", "european-union"))
    assert f"<p>{nato} &amp; {eu}</p>" in out
    assert "&amp;amp;" not in out


_TEXTS = st.sampled_from(
    [
        "北约",
        "秘书长",
        "吕特",
        "表示",
        "乌克兰",
        "特朗普",
        "欧盟",
        "的",
        "。",
        "，",
        " ",
        "&",
        "<",
        "1",
    ]
)
_TEXT = st.lists(_TEXTS, max_size=6).map("".join)


def _element(children):
    tag = st.sampled_from(["span", "a", "strong", "em", "b"])
    attrs = st.dictionaries(st.sampled_from(["href", "title", "data-id"]), _TEXT, max_size=2)
    return st.tuples(tag, attrs, _TEXT, st.lists(children, max_size=3), _TEXT)


_INLINE = st.recursive(st.tuples(st.just("#text"), _TEXT), _element, max_leaves=6)
_BLOCK = st.tuples(
    st.sampled_from(["p", "div", "h2", "li"]),
    st.lists(st.one_of(_INLINE, st.just("img")), max_size=4),
)


def _render(node) -> str:
    from html import escape

    if node == "img":
        return '<img src="x.png">'
    if node[0] == "#text":
        return escape(node[1], quote=False)
    tag, attrs, text, children, tail = node
    attributes = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    inner = escape(text, quote=False) + "".join(_render(child) for child in children)
    return f"<{tag}{attributes}>{inner}</{tag}>{escape(tail, quote=False)}"


@pytest.mark.filterwarnings("ignore:.*no text in file")
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_BLOCK, min_size=1, max_size=3))
def test_random_html_fragments_keep_their_tags_and_translate_text(copy_models, tmp_path, blocks):
    markup = "".join(
        f"<{tag}>{''.join(_render(child) for child in children)}</{tag}>"
        for tag, children in blocks
    )
    source = tmp_path / "r.html"
    source.write_text(markup + "\n", encoding="utf-8")
    memory_file = tmp_path / "memory.sqlite3"
    memory_file.unlink(missing_ok=True)
    units = copy_translate([source], tmp_path)
    out = translated_document(source, units, "en")
    assert structure(out)[1] == structure(markup + "\n")[1]
    if "&amp;amp;" not in markup:
        assert "&amp;amp;" not in out
    text = lxml.html.fromstring(f"<div>{out}</div>").text_content()
    for unit in units:
        for term in unit.terms:
            assert term.target_term in text
    for surface in ("北约", "乌克兰", "特朗普", "欧盟"):
        assert surface not in text  # every term was translated, none left in the source form


def test_translate_single_file_to_stdout_and_out_folder(copy_models, tmp_path: Path) -> None:
    source = tmp_path / "article_1af9f7c0197d13b8.md"
    source.write_text("# 北约峰会\n\n![](x.png)\n\n北约秘书长吕特表示支持。北约也支持。\n", "utf-8")
    env = {"TOOLKIT_DATA_DIR": str(tmp_path / "data")}
    args = ["translate", str(source), "--to", "en", "--catalog-dir", str(tmp_path / "cat")]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == "# NATO summit\n\n![](x.png)\n\nNATO Secretary General Rutte表示支持。 NATO也支持。\n"
    )
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out")], env=env)
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / "article.en.md"
    assert written.read_text(encoding="utf-8").startswith("# NATO summit\n")
    assert result.stdout == ""
    assert output_name(read_document(source), "zh-Hant-TW") == "article.zh-Hant-TW.md"


def test_bad_out_folder_is_one_line_and_nothing_is_written(copy_models, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("北约表示支持。\n", "utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    result = runner.invoke(
        app,
        ["translate", str(source), "--to", "en", "--out", str(blocker / "sub"), "--no-catalogs"],
        env={"TOOLKIT_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "output folder" in result.stderr


def test_offline_run_reproduces_the_reviewed_references_as_documents(tmp_path: Path) -> None:
    """No package installed: every sentence comes from the reviewed catalogs, and each document
    holds every reviewed translation of its translated paragraphs."""
    from toolkit.corpus.catalog import read_catalog

    catalogs = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", catalogs)
    result = runner.invoke(
        app,
        [
            "translate",
            str(ROOT / "seeds"),
            "--to",
            "en",
            "--catalog-dir",
            str(catalogs),
            "--out",
            str(tmp_path / "docs"),
            "--no-install",
        ],
        env={"TOOLKIT_DATA_DIR": str(tmp_path / "data"), "ARGOS_PACKAGES_DIR": str(tmp_path / "p")},
    )
    assert result.exit_code == 0, result.output
    for po in sorted(catalogs.glob("*.en.po")):
        doc = po.name.split(".")[0]
        (written,) = (tmp_path / "docs").glob(f"{doc}.en.*")
        text = lxml.html.fromstring(f"<div>{written.read_text('utf-8')}</div>").text_content()
        for entry in read_catalog(po):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if "source-language: en" in entry.comment:
                assert entry.msgid in text  # the English notice stays as written
            else:
                assert entry.msgstr in text, entry.msgctxt
