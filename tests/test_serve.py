"""`toolkit serve`: a real server on a loopback port, spoken to by real clients.

The server runs the copy model (zh→en: its output is the source with exactly the glossary terms
replaced, so enforcement is visible) and the random model (de→en: garbage that mangles
sentinels, so the answers prove that no sentinel leaks and every term arrives), with the fixture
glossary tests/data/glossary/basic.
"""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from libretranslatepy import LibreTranslateAPI
from typer.testing import CliRunner

from toolkit.mt import protect as guard
from toolkit.mt.engine import DecodeOptions
from toolkit.mt.memory import TranslationMemory
from toolkit.serve.app import ServeConfig, load_keys
from toolkit.serve.runner import in_thread

from .conftest import ROOT, install

BASIC = ROOT / "tests" / "data" / "glossary" / "basic"
CONTEXT = ROOT / "tests" / "data" / "glossary" / "context"
REVIEWED_SOURCE = "欧洲支柱正在形成。"
REVIEWED_TARGET = "The European pillar is taking shape (reviewed)."
# Random models rarely stop by themselves: outputs are capped (copy-model echoes stay shorter).
DECODE = DecodeOptions(max_decoding_length=160, batching="padded")  # the server's default


@pytest.fixture(scope="module")
def packages(tmp_path_factory, package_files):
    """Copy zh→en and random de→en in a packages folder of this module's own."""
    folder = tmp_path_factory.mktemp("serve-packages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(folder))
        install(package_files, ("copy", "zh", "en"), ("random", "de", "en"))
        yield folder


@pytest.fixture(scope="module")
def server(packages, tmp_path_factory):
    memory_path = tmp_path_factory.mktemp("serve-memory") / "memory.sqlite3"
    with TranslationMemory(memory_path) as memory:  # a human-reviewed sentence
        memory.add_reviewed([(REVIEWED_SOURCE, "zh", "en", REVIEWED_TARGET, "test")])
    config = ServeConfig(glossary_dir=BASIC, memory_path=memory_path, decode=DECODE)
    with in_thread(config) as running:
        yield running


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


def translate(client: httpx.Client, **body) -> dict:
    response = client.post("/translate", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def assert_error(response: httpx.Response, status: int, fragment: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and fragment in body["error"], body


# -- LibreTranslate's API, through LibreTranslate's own Python client ------------------------


def test_libretranslatepy_translates_lists_languages_and_detects(server) -> None:
    lt = LibreTranslateAPI(server.url)
    # The copy model echoes: the answer is the source with the terms replaced, nothing else.
    assert lt.translate("北约秘书长吕特说，意愿联盟将支持乌克兰。", "zh", "en") == (
        "NATO秘书长Mark Rutte说，coalition of the willing将支持乌克兰。"
    )
    assert lt.translate("影子舰队出现。", "auto", "en") == "shadow fleet出现。"
    languages = {entry["code"]: entry for entry in lt.languages()}
    assert set(languages) == {"en", "de", "zh", "zt"}
    assert languages["zh"]["name"] == "Chinese (Simplified)"
    assert set(languages["zh"]["targets"]) == {"en", "zt"}
    assert languages["de"]["targets"] == ["en"]
    assert languages["en"]["targets"] == []
    detected = lt.detect("Die Koalition der Willigen trifft sich in Paris, sagt die Regierung.")
    assert detected[0]["language"] == "de" and 50 < detected[0]["confidence"] <= 100
    assert lt.detect("意願聯盟在巴黎開會。")[0]["language"] == "zt"


def test_answer_shapes_follow_libretranslate(client) -> None:
    one = translate(client, q="白宫说。", source="zh", target="en")
    assert one["translatedText"] == "White House说。"
    assert "detectedLanguage" not in one
    assert one["terms"] == [
        {
            "concept": "white-house",
            "term_en": "White House",
            "surface": "白宫",
            "target": "White House",
        }
    ]
    assert one["status"] == "needs_review"  # an echo still holds Chinese: the QA gate says so
    assert one["notes"] and "script" in one["notes"][0]
    many = translate(
        client, q=["白宫说。", "", "北约。"], source="auto", target="en", alternatives=2
    )
    assert many["translatedText"] == ["White House说。", "", "NATO。"]
    assert [d["language"] for d in many["detectedLanguage"]] == ["zh", "en", "zh"]
    assert many["alternatives"] == [[], [], []]
    assert isinstance(many["status"], list) and isinstance(many["terms"][2], list)
    auto = translate(client, q="北约。", source="auto", target="en")
    assert auto["detectedLanguage"] == {"confidence": 100.0, "language": "zh"}
    # Form-encoded, as LibreTranslate's own front end and libretranslatepy send it.
    form = client.post("/translate", data={"q": "北约。", "source": "zh", "target": "en"})
    assert form.json()["translatedText"] == "NATO。"
    # HTML: text nodes translated, every tag and attribute kept; inline HTML stays inline.
    page = translate(
        client,
        q='<p class="x">北约和<b>白宫</b> &amp; 欧盟</p>',
        source="zh",
        target="en",
        format="html",
    )
    assert page["translatedText"] == '<p class="x">NATO和<b>White House</b> &amp; EU</p>'
    inline = translate(client, q="北约 <i>白宫</i>", source="zh", target="en", format="html")
    assert inline["translatedText"] == "NATO <i>White House</i>"
    # Traditional Chinese with Taiwan forms needs no package: script conversion, terms enforced.
    hant = translate(client, q="特朗普说，北约要团结。", source="zh", target="zt")
    assert hant["translatedText"] == "川普說，北約要團結。"
    frontend = client.get("/frontend/settings").json()
    assert frontend["keyRequired"] is False and ".html" in frontend["supportedFilesFormat"]
    assert frontend["language"]["target"]["code"] == "en"


def test_memory_first_and_reviewed_translations_win(client) -> None:
    first = translate(client, q="欧盟。", source="zh", target="en")
    again = translate(client, q="欧盟。", source="zh", target="en")
    assert first["translatedText"] == again["translatedText"] == "EU。"
    assert (first["status"], again["status"]) == ("machine", "memory")
    reviewed = translate(client, q=REVIEWED_SOURCE, source="zh", target="en")
    assert reviewed["translatedText"] == REVIEWED_TARGET
    assert reviewed["status"] == "reviewed"


def test_random_model_answers_carry_every_term_and_no_sentinel(client) -> None:
    sources = [
        "Die Schattenflotte der Koalition der Willigen bedroht die NATO.",
        "Das Weiße Haus und die EU sprechen über den europäischen Pfeiler.",
    ]
    answer = translate(client, q=sources, source="auto", target="en")
    for source, text, terms in zip(sources, answer["translatedText"], answer["terms"], strict=True):
        assert text and guard.leaked(text, source) is None, text
        assert terms
        counts = guard.count_terms(text, [term["target"] for term in terms])
        assert all(counts[term["target"]] >= 1 for term in terms), (text, terms)
    assert [d["language"] for d in answer["detectedLanguage"]] == ["de", "de"]


def test_glossary_none_and_inline_pairs(client) -> None:
    source = "影子舰队和新概念出现在欧盟。"
    plain = translate(client, q=source, source="zh", target="en", glossary="none")
    assert plain["translatedText"] == source and plain["terms"] == []
    inline = translate(
        client,
        q=source,
        source="zh",
        target="en",
        glossary=["影子舰队=dark fleet", "新概念=new idea"],
    )
    assert inline["translatedText"] == "dark fleet和new idea出现在EU。"
    concepts = {term["surface"]: term["concept"] for term in inline["terms"]}
    # A known term is overridden in its concept; an unknown one becomes a concept of its own.
    assert concepts == {"影子舰队": "shadow-fleet", "新概念": "request-2", "欧盟": "eu"}
    # Form fields carry pairs one per line; the shared glossary is untouched afterwards.
    form = client.post(
        "/translate", data={"q": source, "source": "zh", "target": "en", "glossary": "欧盟=Union"}
    )
    assert form.json()["translatedText"] == "shadow fleet和新概念出现在Union。"
    default = translate(client, q=source, source="zh", target="en")
    assert default["translatedText"] == "shadow fleet和新概念出现在EU。"
    bad = client.post("/translate", json={"q": source, "target": "en", "glossary": ["no pair"]})
    assert_error(bad, 400, "is not 'source=target'")


def test_translate_file_keeps_the_files_shape(client) -> None:
    text = "# 北约峰会\n\n欧盟和白宫说。\n\n源地址:https://example.com/a\n"
    response = client.post(
        "/translate_file",
        files={"file": ("article.md", text.encode("utf-8"), "text/markdown")},
        data={"source": "zh", "target": "en"},
    )
    assert response.status_code == 200, response.text
    url = response.json()["translatedFileUrl"]
    assert url.startswith(str(client.base_url).rstrip("/") + "/download_file/")
    download = client.get(url)
    assert download.status_code == 200
    assert download.text == "# NATO峰会\n\nEU和White House说。\n\n源地址:https://example.com/a\n"
    assert "article.en.md" in download.headers["content-disposition"]
    markup = '<div class="a"><p>北约的<a href="/x?y=1">白宫</a></p>\n<p>欧盟。</p></div>\n'
    response = client.post(
        "/translate_file", files={"file": ("page.html", markup.encode())}, data={"target": "en"}
    )
    html_out = client.get(response.json()["translatedFileUrl"]).text
    assert (
        html_out
        == '<div class="a"><p>NATO的<a href="/x?y=1">White House</a></p>\n<p>EU。</p></div>\n'
    )
    bad = client.post("/translate_file", files={"file": ("a.pdf", b"%PDF")}, data={"target": "en"})
    assert_error(bad, 400, "file format not supported")
    assert_error(client.get("/download_file/nope.txt"), 404, "Invalid filename")


def test_glossary_lookup_and_scan_match_the_cli(client, tmp_path) -> None:
    from toolkit.cli.app import app

    runner = CliRunner()
    cli = runner.invoke(app, ["glossary", "lookup", "意願聯盟", "--json", "--glossary", str(BASIC)])
    expected = [json.loads(line) for line in cli.stdout.splitlines()]
    assert client.get("/glossary/lookup", params={"q": "意願聯盟"}).json() == expected
    assert expected[0]["concept"] == "coalition-of-the-willing"
    miss = client.get("/glossary/lookup", params={"q": "qqqqqqqq"}).json()
    assert miss == [{"query": "qqqqqqqq", "concept": None, "found": False}]
    text = "北约和欧盟支持意愿联盟，Schattenflotten der EU."
    (tmp_path / "q1.txt").write_text(text + "\n", encoding="utf-8")  # doc id q1, as the server's
    cli = runner.invoke(
        app, ["glossary", "scan", str(tmp_path / "q1.txt"), "--json", "--glossary", str(BASIC)]
    )
    expected = [json.loads(line) for line in cli.stdout.splitlines()]
    assert client.post("/glossary/scan", json={"q": text}).json() == expected
    assert {record["concept"] for record in expected} >= {"nato", "eu", "shadow-fleet"}
    assert client.post("/glossary/scan", json={"q": [text, "白宫"]}).json()[1][0]["concept"] == (
        "white-house"
    )
    assert_error(client.get("/glossary/lookup"), 400, "missing q")


def test_ambiguous_terms_are_scanned_and_flagged(packages, tmp_path) -> None:
    config = ServeConfig(glossary_dir=CONTEXT, memory_path=tmp_path / "m.sqlite3", decode=DECODE)
    with in_thread(config) as running, httpx.Client(base_url=running.url, timeout=60) as http:
        (hit,) = http.post("/glossary/scan", json={"q": "沃尔兹表示，会谈顺利。"}).json()
        assert hit["ambiguous"] is True
        assert [c["concept"] for c in hit["candidates"]] == ["mike-waltz", "tim-walz"]
        answer = translate(http, q="沃尔兹表示，会谈顺利。", source="zh", target="en")
        assert answer["status"] == "needs_review" and "ambiguous term" in answer["notes"][0]
        assert answer["translatedText"] == "沃尔兹表示，会谈顺利。"


# -- errors: LibreTranslate's shape, and the server goes on ---------------------------------


def test_bad_input_gets_the_error_shape_and_the_server_goes_on(client) -> None:
    def still_serving() -> None:
        assert translate(client, q="北约。", source="zh", target="en")["translatedText"] == "NATO。"

    assert_error(client.post("/translate", json={"source": "zh", "target": "en"}), 400, "missing q")
    still_serving()
    assert_error(client.post("/translate", json={"q": "x", "target": "xx"}), 400, "not supported")
    assert_error(
        client.post("/translate", json={"q": "北约。", "source": "jp", "target": "en"}),
        400,
        "jp is not supported",
    )
    assert_error(client.post("/translate", json={"q": "北约。"}), 400, "missing target")
    assert_error(
        client.post("/translate", json={"q": "北约。", "target": "de"}),
        400,
        "no translation package for zh→de",
    )
    assert_error(
        client.post("/translate", json={"q": "Hello there.", "source": "zh", "target": "en"}),
        400,
        "source zh",
    )
    still_serving()
    invalid = client.post(
        "/translate", content=b'{"q": "x",', headers={"content-type": "application/json"}
    )
    assert_error(invalid, 400, "Invalid JSON format")
    assert_error(client.post("/translate", json=["q"]), 400, "Invalid JSON format")
    assert_error(
        client.post("/translate", json={"q": "x", "target": "en", "format": "xml"}),
        400,
        "xml format",
    )
    assert_error(
        client.post("/translate", json={"q": "x", "target": "en", "alternatives": "a"}),
        400,
        "integer",
    )
    assert_error(client.post("/translate", json={"q": 5, "target": "en"}), 400, "list of strings")
    still_serving()
    # 10 MB: refused from its declared length, and (without one) as it streams in.
    big = b'{"q": "' + b"x" * (10 << 20) + b'"}'
    assert_error(
        client.post("/translate", content=big, headers={"content-type": "application/json"}),
        413,
        "larger than",
    )
    still_serving()

    def chunks():
        for _ in range(160):
            yield b"x" * 65536

    streamed = client.post(
        "/translate", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(streamed, 413, "larger than")
    still_serving()
    assert_error(client.get("/nowhere"), 404, "Not Found")
    assert_error(client.get("/translate"), 405, "Method Not Allowed")
    still_serving()


def test_unexpected_failures_are_500_and_stay_with_their_request(
    server, client, monkeypatch
) -> None:
    from toolkit.serve import service

    write = service._write

    def failing(item, units, target):
        if "炸弹" in item.text:
            raise RuntimeError("boom")
        return write(item, units, target)

    monkeypatch.setattr(service, "_write", failing)
    assert_error(client.post("/translate", json={"q": "炸弹。", "target": "en"}), 500, "boom")
    monkeypatch.setattr(server.server.batcher, "window", 0.3)  # both requests share a pass
    answers: dict[str, httpx.Response] = {}

    def send(text: str) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            answers[text] = http.post(
                "/translate", json={"q": text, "source": "zh", "target": "en"}
            )

    threads = [threading.Thread(target=send, args=(text,)) for text in ("炸弹二。", "白宫三。")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_error(answers["炸弹二。"], 500, "boom")
    assert answers["白宫三。"].json()["translatedText"] == "White House三。"


def test_api_keys_are_required_when_configured(packages, tmp_path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# one key a line\nsecret-1\n\nsecret-2\n", encoding="utf-8")
    assert load_keys(keys) == {"secret-1", "secret-2"}
    config = ServeConfig(
        glossary_dir=BASIC,
        memory_path=tmp_path / "m.sqlite3",
        api_keys=load_keys(keys),
        decode=DECODE,
    )
    with in_thread(config) as running, httpx.Client(base_url=running.url, timeout=60) as http:
        body = {"q": "北约。", "source": "zh", "target": "en"}
        assert_error(http.post("/translate", json=body), 403, "API key is required")
        assert_error(
            http.post("/translate", json={**body, "api_key": "wrong"}), 403, "Invalid API key"
        )
        assert_error(
            http.post("/detect", data={"q": "北约", "api_key": "x"}), 403, "Invalid API key"
        )
        assert (
            LibreTranslateAPI(running.url, api_key="secret-2").translate("北约。", "zh", "en")
            == "NATO。"
        )
        assert http.get("/languages").status_code == 200  # as LibreTranslate: no key needed
        settings = http.get("/frontend/settings").json()
        assert settings["apiKeys"] is True and settings["keyRequired"] is True


# -- batching ---------------------------------------------------------------------------------


def test_concurrent_requests_share_pipeline_passes(server, monkeypatch) -> None:
    monkeypatch.setattr(server.server.batcher, "window", 0.2)
    count = 12
    texts = [f"北约第{n}次会议。" for n in range(count)]
    before = httpx.get(server.url + "/stats").json()
    answers: dict[int, dict] = {}

    def send(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            answers[n] = translate(http, q=texts[n], source="zh", target="en")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.perf_counter() - started < 30
    after = httpx.get(server.url + "/stats").json()
    for n in range(count):  # each caller gets its own sentence back
        assert answers[n]["translatedText"] == f"NATO第{n}次会议。"
    passes = after["passes"] - before["passes"]
    assert after["requests"] - before["requests"] == count
    assert passes < count / 2, after["recent"]
    assert after["largest_pass"] >= 2
