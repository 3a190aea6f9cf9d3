"""Glossary matcher speed: a synthetic 100 000-term glossary over ≥ 10 MB of mixed zh/de/en text.

Prints the matcher's build time and throughput (MB/s of UTF-8 input) for ``Matcher.find`` on
documents and ``Matcher.scan`` on sentence segments, next to the naive baseline measured in the
same run: one big ``re`` alternation of the escaped terms (longest first, IGNORECASE). The
baseline is far too slow for 10 MB, so it runs on a slice and the slice size is printed.

All times are CPU seconds, best of three (the machines are shared). Each build starts with
inflect's word caches empty. The matcher works out what a key stands for at its first hit, so
the first pass over the text is printed apart; the throughput lines are later passes. The
"shaping + the automaton alone" line is the floor the Python side adds to.

    .venv/bin/python benchmarks/glossary.py [--terms 100000] [--mb 10] [--baseline-kb 256]

Goals (issue 3): ≥ 20 MB/s, ≤ 1 s build.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.glossary.model import Glossary  # noqa: E402
from toolkit.models import Concept, Segment, Term  # noqa: E402

_SYLLABLES_TEXT = (
    "ka lo ri ten mar vel do san ber gen tor wal lin fe ra mun sto ka dis pol "
    "tan ver nor sel hof burg mann kin vo la ze ny str ov ich ski ne"
)
SYLLABLES = _SYLLABLES_TEXT.split()
_DE_ADJECTIVES_TEXT = (
    "europäischer nationaler strategischer militärischer atlantischer östlicher gemeinsamer "
    "russischer ukrainischer deutscher amerikanischer neuer"
)
DE_ADJECTIVES = _DE_ADJECTIVES_TEXT.split()
_DE_NOUNS_TEXT = (
    "Pfeiler Rat Ausschuss Verband Rahmen Plan Fonds Gipfel Kommissar Pakt Korridor Schirm "
    "Vertrag Dialog Verbund Stab Dienst Block"
)
DE_NOUNS = _DE_NOUNS_TEXT.split()
_DE_FEMININE_TEXT = (
    "Flotte Union Allianz Initiative Kommission Behörde Mission Agentur Brigade Partnerschaft"
)
DE_FEMININE = _DE_FEMININE_TEXT.split()
_EN_WORDS_TEXT = (
    "defence security council strategic fleet pillar alliance command forum initiative "
    "partnership agency fund framework task force mission doctrine corridor summit"
)
EN_WORDS = _EN_WORDS_TEXT.split()
EN_FILLER = [
    "The talks in {x} went on late into the night, officials said on Tuesday.",
    "According to two people familiar with the plan, {x} will present the proposal next week.",
    "Analysts said {x} had little room to manoeuvre before the summit.",
    "A spokesperson for {x} declined to comment on the report.",
]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def _han_pool(seed_text: str) -> list[str]:
    pool = sorted({c for c in seed_text if "\u4e00" <= c <= "\u9fff"})
    # Add common characters beyond the seeds so the synthetic terms use a realistic alphabet.
    return pool + [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]


def synthetic_glossary(n_terms: int, seed_text: str, rng: random.Random) -> Glossary:
    """Concepts of ~4 written terms each (en, zh-Hans, de, sometimes an acronym or a TW form)."""
    from toolkit.chinese import s2t

    pool = _han_pool(seed_text)
    concepts: list[Concept] = []
    count = 0
    number = 0
    used: set[str] = set()

    def fresh(text: str) -> str | None:
        if text.lower() in used:
            return None
        used.add(text.lower())
        return text

    while count < n_terms:
        number += 1
        terms: list[Term] = []
        en = fresh(" ".join(_word(rng, 2).capitalize() for _ in range(rng.randint(1, 3))))
        if rng.random() < 0.4:
            en = fresh(f"{_word(rng, 2)} {rng.choice(EN_WORDS)}")
        if en:
            terms.append(Term(en, "en"))
        if rng.random() < 0.25:
            letters = "".join(
                rng.choice("ABCDEFGHIKLMNOPRSTUVWXYZ") for _ in range(rng.randint(3, 5))
            )
            acronym = fresh(letters)
            if acronym:
                terms.append(Term(acronym, "en", "admitted", case_sensitive=True, form="acronym"))
        length = rng.choices((2, 3, 4, 5, 6, 7), (5, 25, 30, 20, 12, 8))[0]
        hans = fresh("".join(rng.choice(pool) for _ in range(length)))
        if hans:
            terms.append(Term(hans, "zh-Hans"))
            hant = s2t(hans)
            if hant != hans:
                terms.append(Term(hant, "zh-Hant", derived=True))
            if rng.random() < 0.1:
                regional = fresh("".join(rng.choice(pool) for _ in range(length)))
                if regional:
                    terms.append(Term(regional, "zh-Hant", region="TW"))
        shape = rng.random()
        if shape < 0.35:
            noun = _word(rng, 2).capitalize() + rng.choice(DE_NOUNS).lower()
            de = f"{rng.choice(DE_ADJECTIVES)} {noun}"
        elif shape < 0.6:
            de = f"{_word(rng, 2).capitalize()}{rng.choice(DE_FEMININE).lower()}"
        elif shape < 0.8:
            de = f"{rng.choice(DE_NOUNS)} der {_word(rng, 3).capitalize()}"
        else:
            de = " ".join(_word(rng, 2).capitalize() for _ in range(2))
        de_term = fresh(de)
        if de_term:
            terms.append(Term(de_term, "de"))
        if not terms:
            continue
        count += len(terms)
        kind = "person" if shape >= 0.8 else "organisation"
        concepts.append(Concept(f"c{number:06d}", kind, tuple(terms)))
    return Glossary(tuple(concepts))


def _planted(term: Term, rng: random.Random) -> str:
    if term.lang == "de" and rng.random() < 0.5:
        from toolkit.glossary.inflect import inflected_forms

        return rng.choice(inflected_forms(term.text, "de"))
    return term.text


def synthetic_text(
    glossary: Glossary, seed_dir: Path, megabytes: float, rng: random.Random
) -> list[tuple[str, str]]:
    """(language tag, sentence) pairs from the seeds with planted terms, ≥ ``megabytes`` MB."""
    zh_sentences: list[str] = []
    de_sentences: list[str] = []
    for path in sorted(seed_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"<[^>]+>|!\[[^\]]*\]\([^)]*\)|\[[^\]]*\]\([^)]*\)", "", line).strip()
            if len(line) < 20 or line.startswith(("http", "发布", "源地址")):
                continue
            han = sum("\u4e00" <= c <= "\u9fff" for c in line)
            target = zh_sentences if han > len(line) / 3 else de_sentences
            target.extend(s for s in re.split(r"(?<=[。！？!?.])\s*", line) if len(s) > 10)
    by_lang: dict[str, list[Term]] = {"zh": [], "de": [], "en": []}
    for _concept, term in glossary.terms():
        by_lang["zh" if term.lang.startswith("zh") else term.lang].append(term)
    out: list[tuple[str, str]] = []
    size = 0
    limit = int(megabytes * 1_000_000)
    while size < limit:
        lang = rng.choices(("zh", "de", "en"), (5, 3, 2))[0]
        term = _planted(rng.choice(by_lang[lang]), rng)
        if lang == "zh":
            base = rng.choice(zh_sentences)
            cut = rng.randrange(len(base))
            sentence = base[:cut] + term + base[cut:]
        elif lang == "de":
            words = rng.choice(de_sentences).split(" ")
            words.insert(rng.randrange(len(words) + 1), term)
            sentence = " ".join(words)
        else:
            sentence = rng.choice(EN_FILLER).format(x=term)
        out.append(("zh-Hans" if lang == "zh" else lang, sentence))
        size += len(sentence.encode("utf-8")) + 1
    return out


def _segments(sentences: list[tuple[str, str]]) -> list[Segment]:
    segments = []
    for number, (tag, text) in enumerate(sentences):
        lang, _, script = tag.partition("-")
        segments.append(
            Segment(
                id=f"b-s{number}",
                doc="bench",
                start=0,
                end=len(text),
                text=text,
                norm=text,
                lang=lang,  # type: ignore[arg-type]
                script=(script or "Latn"),  # type: ignore[arg-type]
                kind="body",
                paragraph=1,
                line=number + 1,
            )
        )
    return segments


def _best(work, repeat: int = 3, before=None):
    """(least CPU seconds, result) over ``repeat`` runs; ``before`` runs untimed before each."""
    best = None
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.process_time()
        result = work()
        elapsed = time.process_time() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--baseline-kb", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="after the first pass, move every object alive (glossary, text, matcher) out of the "
        "garbage collector's reach with gc.freeze(), as a long-running service may",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seed_text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt"))

    from toolkit.glossary import inflect, shaping
    from toolkit.glossary.match import Matcher

    # Per-process tables (the fold table is shared with lookup): built outside the timings.
    shaping.prepare()

    started = time.process_time()
    glossary = synthetic_glossary(args.terms, seed_text, rng)
    n_terms = sum(len(c.terms) for c in glossary)
    print(
        f"glossary: {len(glossary)} concepts, {n_terms} terms (generated in "
        f"{time.process_time() - started:.1f} s)"
    )
    sentences = synthetic_text(glossary, ROOT / "seeds", args.mb, rng)
    segments = _segments(sentences)
    documents = [
        "\n".join(text for _tag, text in sentences[i : i + 200])
        for i in range(0, len(sentences), 200)
    ]
    total_bytes = sum(len(text.encode("utf-8")) + 1 for _tag, text in sentences)
    print(
        f"text: {total_bytes / 1e6:.1f} MB in {len(sentences)} sentences "
        f"({len(documents)} documents)"
    )

    build, matcher = _best(lambda: Matcher.from_glossary(glossary), before=inflect._clear_caches)
    print(f"matcher build: {build:.2f} s CPU ({matcher.size} automaton keys)")
    started = time.process_time()
    first_hits = sum(len(matcher.find(doc)) for doc in documents)
    first = time.process_time() - started
    print(
        f"  first find over the text: {first:.2f} s ({total_bytes / first / 1e6:.1f} MB/s), "
        "working out each key at its first hit"
    )
    if args.gc_freeze:
        import gc

        gc.collect()
        gc.freeze()
        print(f"  gc.freeze(): {gc.get_freeze_count()} objects out of the collector's reach")

    find_time, doc_hits = _best(lambda: sum(len(matcher.find(doc)) for doc in documents))
    assert doc_hits == first_hits
    scan_time, seg_hits = _best(lambda: sum(1 for _ in matcher.scan(segments)))
    find_rate = total_bytes / find_time / 1e6
    scan_rate = total_bytes / scan_time / 1e6
    print(f"matcher find (documents): {find_rate:6.1f} MB/s, {doc_hits} hits, {find_time:.2f} s")
    print(f"matcher scan (segments):  {scan_rate:6.1f} MB/s, {seg_hits} hits, {scan_time:.2f} s")
    for label, keep in (("zh", lambda t: t.startswith("zh")), ("de/en", lambda t: t[:2] != "zh")):
        part = [text for tag, text in sentences if keep(tag)]
        part_bytes = sum(len(text.encode("utf-8")) + 1 for text in part)
        chunks = ["\n".join(part[i : i + 200]) for i in range(0, len(part), 200)]
        seconds, _ = _best(lambda chunks=chunks: [matcher.find(chunk) for chunk in chunks])
        print(f"  {label:5} sentences only: {part_bytes / seconds / 1e6:6.1f} MB/s")
    automaton = matcher._automaton
    shape = matcher._shape
    raw, _ = _best(
        lambda: [automaton.find_matches_as_indexes(shape(doc), True) for doc in documents]
    )
    print(f"  of which shaping + the automaton alone: {total_bytes / raw / 1e6:6.1f} MB/s")

    texts = sorted({t.text for _c, t in glossary.terms()}, key=len, reverse=True)
    started = time.process_time()
    pattern = re.compile("|".join(map(re.escape, texts)), re.IGNORECASE)
    compile_time = time.process_time() - started
    sample = "\n".join(documents)[: args.baseline_kb * 1000]
    sample_bytes = len(sample.encode("utf-8"))
    started = time.process_time()
    base_hits = sum(1 for _ in pattern.finditer(sample))
    base_time = time.process_time() - started
    base_rate = sample_bytes / base_time / 1e6
    print(
        f"baseline re alternation: compile {compile_time:.2f} s, {base_rate:6.3f} MB/s on a "
        f"{sample_bytes / 1e3:.0f} kB slice, {base_hits} hits (no word boundaries, no "
        f"inflection, no t2s)"
    )
    print(
        f"ratio matcher/baseline: find {find_rate / base_rate:.0f}x, scan "
        f"{scan_rate / base_rate:.0f}x; build {build:.2f} s vs compile {compile_time:.2f} s"
    )
    goal = "met" if min(find_rate, scan_rate) >= 20 and build <= 1.0 else "NOT met"
    print(f"goal (>= 20 MB/s, <= 1 s build): {goal}")


if __name__ == "__main__":
    main()
