"""The web page of `toolkit serve`, driven by headless Chromium (skipped without it).

The page's query-string hook fills the form and presses Translate (``?q=…&target=en&auto=1``)
and runs a lookup (``lookup=…``); ``chromium --dump-dom`` returns the DOM once the page is idle,
with the result's glossary terms as ``<mark class="term" title="concept — …">``.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.parse
from pathlib import Path

import httpx
import lxml.html
import pytest

from toolkit.serve.app import ServeConfig
from toolkit.serve.page import PAGE
from toolkit.serve.runner import in_thread

from .conftest import ROOT, install

CHROMIUM = shutil.which("chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, package_files):
    folder = tmp_path_factory.mktemp("page-packages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(folder))
        install(package_files, ("copy", "zh", "en"))
        memory = tmp_path_factory.mktemp("page-memory") / "memory.sqlite3"
        config = ServeConfig(glossary_dir=ROOT / "tests/data/glossary/basic", memory_path=memory)
        with in_thread(config) as running:
            yield running


def rendered(url: str, profile: Path) -> lxml.html.HtmlElement:
    """The page's DOM after its scripts ran (Chromium's virtual time waits for the fetches)."""
    result = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            "--virtual-time-budget=10000",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return lxml.html.document_fromstring(result.stdout)


def test_the_page_is_self_contained(server) -> None:
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == PAGE
    assert "://" not in PAGE and "<link" not in PAGE and "src=" not in PAGE  # no external request
    assert ".innerHTML" not in PAGE  # server text becomes text nodes only


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_translate_highlights_terms_and_lookup_shows_the_concept(server, tmp_path) -> None:
    query = urllib.parse.urlencode(
        {
            "q": "北约秘书长吕特说，意愿联盟将支持乌克兰。",
            "target": "en",
            "auto": "1",
            "lookup": "意願聯盟",
        }
    )
    page = rendered(f"{server.url}/?{query}", tmp_path / "profile")
    body = page.find("body")
    assert body.get("data-state") == "done" and body.get("data-lookup") == "done"
    result = page.get_element_by_id("result")
    assert result.text_content() == "NATO秘书长Mark Rutte说，coalition of the willing将支持乌克兰。"
    marks = result.findall("mark")
    assert [mark.text for mark in marks] == ["NATO", "Mark Rutte", "coalition of the willing"]
    assert all(mark.get("class") == "term" for mark in marks)
    assert marks[0].get("title") == "nato — NATO (source: 北约)"
    assert [mark.get("data-concept") for mark in marks] == [
        "nato",
        "mark-rutte",
        "coalition-of-the-willing",
    ]
    assert "needs_review" in page.get_element_by_id("status").text_content()
    terms = [row.text_content() for row in page.get_element_by_id("terms").findall("tr")]
    assert terms[0] == "nato北约NATO"
    lookup = page.get_element_by_id("lookup-result").text_content()
    assert "coalition-of-the-willing: coalition of the willing" in lookup and "意願聯盟" in lookup
    # The pickers come from /languages; glossary=none translates without enforcement.
    assert [o.get("value") for o in page.get_element_by_id("source").findall("option")] == [
        "auto",
        "en",
        "zh",
        "zt",
    ]
    query = urllib.parse.urlencode({"q": "北约说。", "glossary": "none", "auto": "1"})
    plain = rendered(f"{server.url}/?{query}", tmp_path / "profile")
    result = plain.get_element_by_id("result")
    assert result.text_content() == "北约说。" and not result.findall("mark")
