"""Ingest: the four seeds as they really are, other source shapes, and bad input."""

from __future__ import annotations

import warnings

import pytest

from toolkit.errors import InputError, ToolkitError, ToolkitWarning
from toolkit.ingest import document_from_text, document_id, iter_documents, read_document
from toolkit.ingest.blocks import epoch_date, parse_date
from toolkit.ingest.detect import language

SEED_000 = "000_1af9f7c0197d13b8.txt"
SEED_001 = "001_29cecc130fa1cd1d.txt"
SEED_002 = "002_261bc47499c68323.txt"
SEED_003 = "003_a682e5df6a827f2e.txt"


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    return {doc.id: doc for doc in iter_documents([seeds_dir])}


def kinds_at(doc, kind: str) -> list[int]:
    return [p.index for p in doc.paragraphs if p.kind == kind]


# --- the seeds ---------------------------------------------------------------------------------


def test_seed_ids_and_offsets(seeds) -> None:
    assert sorted(seeds) == ["000", "001", "002", "003"]
    for doc in seeds.values():
        assert [p.index for p in doc.paragraphs] == list(range(1, len(doc.paragraphs) + 1))
        for paragraph in doc.paragraphs:
            assert doc.text[paragraph.start : paragraph.end] == paragraph.text
            assert paragraph.text == paragraph.text.strip() and "\n" not in paragraph.text


def test_seed_000_plain_hans_with_metadata_lines(seeds) -> None:
    doc = seeds["000"]
    assert doc.date == "2026-01-28"
    assert doc.url == "https://www.ft.com/content/4e1c2056-e1be-4074-af15-5b69aed2738a"
    # The first body line ends in "。": a lead sentence, not a headline.
    assert doc.title is None
    assert doc.paragraphs[0].text.startswith("格陵兰危机之后")
    assert doc.paragraphs[0].line == 3  # lines 1–2 are metadata, gone from the text
    assert "发布时间" not in doc.text and "源地址" not in doc.text
    assert {(p.kind, p.lang, p.script) for p in doc.paragraphs} == {("body", "zh", "Hans")}
    assert len(doc.paragraphs) == 58  # 66 lines − 2 metadata − 6 blank


def test_seed_001_html_fragment(seeds) -> None:
    doc = seeds["001"]
    assert doc.title == "欧洲出钱买美国武器送给乌克兰？"
    assert doc.url.startswith("https://www.dw.com/zh/") and doc.url.endswith("/a-71571767")
    assert doc.date == "2025-02-11"  # from the <i> timestamp div, which is not text
    assert doc.paragraphs[0].kind == "title" and doc.paragraphs[0].line == 2
    assert {p.line for p in doc.paragraphs[1:]} == {5}  # the HTML is one long line
    assert kinds_at(doc, "caption") == [2, 7]
    assert [p.text for p in doc.paragraphs if p.kind == "heading"] == [
        "军援耗费巨大",
        "和谈能否开启？",
    ]
    notice = doc.paragraphs[-1]
    assert notice.kind == "notice"
    assert notice.text.startswith("© 2025年德国之声版权声明：本文所有内容受到著作权法保护")
    assert {(p.lang, p.script) for p in doc.paragraphs} == {("zh", "Hans")}
    # Markup, images, attributes and the timestamp are gone; link and span text stays.
    for gone in ("<", "img", "weserv", "Automatische Themenseite", "2025-02-11T", "1739276225"):
        assert gone not in doc.text
    assert "与欧洲盟友商谈此事" in doc.text
    assert "为乌克兰采购更多美制武器" in doc.text
    assert "(路透社等)" in [p.text for p in doc.paragraphs if p.kind == "body"]


def test_seed_002_hant_mixed_language(seeds) -> None:
    doc = seeds["002"]
    title = doc.paragraphs[0]
    assert title.kind == "title" and title.line == 1
    assert doc.title == title.text and title.text.endswith("談判中“最棘手的問題”")
    # Captions: the line after ![]() unless it ends like a sentence (lines 38, 58, 69 do).
    captions = [p for p in doc.paragraphs if p.kind == "caption"]
    assert [p.line for p in captions] == [4, 24, 47]
    assert captions[2].text == "匈牙利總理歐爾班與歐盟主席馮德萊恩,歷史照片"
    assert [p.kind for p in doc.paragraphs if p.line in (38, 58, 69)] == ["body"] * 3
    headings = [p.text for p in doc.paragraphs if p.kind == "heading"]
    assert headings == [
        "烏克蘭困境:談判桌面臨“出局”,西方援助難掩戰略被動?",
        "美國策略:推動“快速交易”,“雙邊渠道”架空多邊協調?",
        "歐洲分歧:百億貸款難掩影響力流失,“戰略自主”遭遇現實挫折?",
        "俄羅斯策略:“雙邊突破”與“法律陷阱”雙軌推進?",
        "戰場現實:低效消耗持續,局部反攻難改戰略僵局?",
    ]
    statement, notice = doc.paragraphs[-2:]
    assert (statement.kind, statement.lang, statement.script) == ("notice", "zh", "Hant")
    assert statement.text.startswith("特別聲明:")
    assert (notice.kind, notice.lang, notice.script) == ("notice", "en", "Latn")
    assert notice.text.startswith("Notice: The content above")
    assert {p.script for p in doc.paragraphs[:-1]} == {"Hant"}
    # Simplified 并 inside traditional text does not make a paragraph Hans.
    mixed = next(p for p in doc.paragraphs if p.text.startswith("德米特里耶夫并非"))
    assert mixed.script == "Hant"
    assert "![]()" not in doc.text


def test_seed_003_german_with_caps_headings(seeds) -> None:
    doc = seeds["003"]
    assert doc.title is None and doc.date is None and doc.url is None
    assert [p.text for p in doc.paragraphs if p.kind == "heading"] == [
        "KEINE KLARHEIT DARÜBER, WIE DIE USA DEN FORTSCHRITT DER NATO MESSEN WÜRDEN",
        "BEZIEHUNG WASHINGTON-NATO SCHWANKT",
    ]
    assert {(p.lang, p.script) for p in doc.paragraphs} == {("de", "Latn")}
    assert [p.line for p in doc.paragraphs[:3]] == [1, 3, 5]


# --- rules on small inputs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_1af9f7c0197d13b8.txt", "000"),
        ("article.txt", "article"),
        ("my_article.md", "my_article"),
        ("report_20240101120000.txt", "report_20240101120000"),  # digits only: a date, kept
        ("page_deadbeefcafe.html", "page"),
    ],
)
def test_document_id(name: str, expected: str) -> None:
    assert document_id(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026.01.28", "2026-01-28"),
        ("2025-02-11T11:53:20.621Z", "2025-02-11"),
        ("2024年3月5日", "2024-03-05"),
        ("2024/3/5 08:30", "2024-03-05"),
        ("2024.13.01", None),
        ("am 5. März", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_epoch_date() -> None:
    assert epoch_date("1739276225000") == "2025-02-11"
    assert epoch_date("1739276225") == "2025-02-11"
    assert epoch_date("hello") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Vereinigten Staaten fordern von Europa mehr.", "de"),
        ("Notice: The content above is uploaded by a user.", "en"),
        ("路透社援引内部人士称,凯洛格(Keith Kellog)将出席。", "zh"),
        ("The term 北约 means NATO in the Chinese press.", "en"),
        ("12.8 / 2027", None),
    ],
)
def test_language(text: str, expected: str | None) -> None:
    assert language(text) == expected


def kinds(text: str) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in document_from_text(text).paragraphs]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A caption follows an image line only when it does not end like a sentence.
        ("正文第一段。\n![](a.jpg)\n图片说明\n正文。", ["body", "caption", "body"]),
        ("正文第一段。\n![](a.jpg)\n这是正文。\n正文。", ["body", "body", "body"]),
        # A short labelled question is a heading; a question inside a body paragraph is not.
        ("正文。\n美國策略:推動交易?\n正文。", ["body", "heading", "body"]),
        ("正文。\n但如果美国单方面行动怎么办?他提出了方案。\n正文。", ["body", "body", "body"]),
        # Markdown headings and setext titles, short unpunctuated subheadings.
        (
            "# Titel\n\nText hier.\n\n## Abschnitt\n\nMehr Text.",
            ["title", "body", "heading", "body"],
        ),
        ("Ein Titel\n---\nText hier.", ["title", "body"]),
        ("Erster Satz.\nZwischentitel\nZweiter Satz.", ["body", "heading", "body"]),
        # A bracketed byline is not a heading; a line ending in a colon introduces the next.
        ("正文。\n(路透社等)\n正文。", ["body", "body", "body"]),
        ("Erster Satz.\nEs folgen drei Punkte:\nZweiter Satz.", ["body", "body", "body"]),
        # Notices.
        ("Text.\n© 2025 Example GmbH", ["body", "notice"]),
        ("Text.\n免责声明：本文仅供参考。", ["body", "notice"]),
    ],
)
def test_kind_rules(text: str, expected: list[str]) -> None:
    assert [kind for kind, _ in kinds(text)] == expected


def test_metadata_lines_become_fields() -> None:
    doc = document_from_text(
        "来源: 路透社\n源地址:https://example.com/a\n发布时间:2026.01.28\n标题行\n正文。"
    )
    assert (doc.url, doc.date) == ("https://example.com/a", "2026-01-28")
    assert [p.text for p in doc.paragraphs] == ["标题行", "正文。"]
    assert doc.title == "标题行"


def test_short_paragraph_takes_the_document_script() -> None:
    doc = document_from_text("澤連斯基表示,談判仍在繼續,烏克蘭軍隊將撤離。\n(路透社等)")
    assert [p.script for p in doc.paragraphs] == ["Hant", "Hant"]
    doc = document_from_text("泽连斯基表示,谈判仍在继续,乌克兰军队将撤离。\n(路透社等)")
    assert [p.script for p in doc.paragraphs] == ["Hans", "Hans"]


def test_html_page(tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE html>\n<html><head><title>Seitentitel</title>"
        "<script>var x = 1;</script><style>p {}</style></head>\n<body>\n"
        "<h1>Überschrift</h1>\n"
        "<p>Erster <a href='#'>Absatz</a>.<br>Zweite Zeile. <!-- Kommentar -->Ende.</p>\n"
        "<figure><img src='a.png'><figcaption>Ein Bild</figcaption></figure>\n"
        "<h2>Abschnitt</h2>\n<div>Lose <b>fett</b> Text.<p>Innen.</p>Nachher.</div>\n"
        "</body></html>\n",
        encoding="utf-8",
    )
    doc = read_document(page)
    assert [(p.kind, p.text, p.line) for p in doc.paragraphs] == [
        ("title", "Überschrift", 5),
        ("body", "Erster Absatz. Zweite Zeile. Ende.", 6),
        ("caption", "Ein Bild", 7),
        ("heading", "Abschnitt", 8),
        ("body", "Lose fett Text.", 9),
        ("body", "Innen.", 9),
        ("body", "Nachher.", 9),
    ]
    assert doc.title == "Überschrift"
    assert "var x" not in doc.text and "Kommentar" not in doc.text


# --- files, folders, bad input -----------------------------------------------------------------


def test_bom_and_crlf_read_like_plain_utf8(tmp_path) -> None:
    text = "Titel ohne Punkt\n\nErster Satz. Zweiter Satz.\n中文段落。\n"
    plain = tmp_path / "plain.txt"
    plain.write_bytes(text.encode("utf-8"))
    variants = {
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "cr.txt": text.replace("\n", "\r").encode("utf-8"),
        "bom_crlf.txt": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
    }
    expected = read_document(plain)
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        doc = read_document(tmp_path / name)
        assert doc.text == expected.text, name
        assert doc.paragraphs == expected.paragraphs, name
        assert "\ufeff" not in doc.text and "\r" not in doc.text


def test_tabs_and_controls_become_spaces(tmp_path) -> None:
    path = tmp_path / "tabs.txt"
    path.write_text("Erster\tSatz.\x0bZweiter\u2028Satz.\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.text == "Erster Satz. Zweiter Satz."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Zeile eins\nZeile \xff zwei\n", "not valid UTF-8: byte 0xff at offset 17"),
        (b"\xef\xbb\xbfabc\xc3(", "not valid UTF-8: byte 0xc3 at offset 6"),
        (b"PK\x03\x04\x00\x00binary", "binary file (NUL byte at offset 4)"),
        ("text".encode("utf-16"), "UTF-16 text, not UTF-8"),
    ],
)
def test_unreadable_files_raise_one_clear_error(tmp_path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_document(path)
    text = str(caught.value)
    assert message in text
    assert str(path) in text
    assert "\n" not in text


def test_invalid_utf8_names_the_line(tmp_path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"eins\nzwei\ndrei \xe4 vier\n")
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert caught.value.where == f"{path}:3"


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty file"), (b" \n\n\t\n", "no text")])
def test_empty_files_warn_and_have_no_paragraphs(tmp_path, data: bytes, reason: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.warns(ToolkitWarning, match=reason):
        doc = read_document(path)
    assert doc.paragraphs == () and doc.text == ""


def test_folders_list_visible_text_files_sorted(tmp_path) -> None:
    (tmp_path / "b.txt").write_text("B.", encoding="utf-8")
    (tmp_path / "a.md").write_text("A.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("H.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / "sub").mkdir()
    ids = [doc.id for doc in iter_documents([tmp_path, tmp_path / "a.md"])]
    assert ids == ["a", "b"]  # a.md named twice is read once


def test_duplicate_ids_fail_before_any_document(tmp_path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "000_1af9f7c0197d13b8.txt").write_text("Text.", encoding="utf-8")
    documents = iter_documents([tmp_path / "one", tmp_path / "two"])
    with pytest.raises(ToolkitError, match="document id '000' is already taken"):
        next(documents)


def test_missing_path_and_empty_folder(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        list(iter_documents([tmp_path / "missing.txt"]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert list(iter_documents([tmp_path])) == []
    assert any("no text files" in str(w.message) for w in caught)
