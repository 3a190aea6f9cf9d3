"""Export the catalogs of ``translations/`` as a parallel corpus.

With ``--pair``, one language pair. Without it, the catalogs' pairs: one pair is that pair; several
go into one file when the format can hold them (TMX with ``srclang="*all*"``, TSV and JSONL, whose
rows carry their languages) and are refused with the list of pairs otherwise (Moses writes one
file per language, a PO catalog has one target). The export then holds every catalog entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from toolkit.corpus.catalog import find_catalogs, read_units
from toolkit.corpus.formats import ALL, ExportMeta, get_format
from toolkit.errors import CatalogError, UsageError
from toolkit.models import Unit

SOURCE_TAGS = ("zh", "zh-Hans", "zh-Hant", "de", "en")
TARGET_TAGS = ("zh", "zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK", "de", "en")


def parse_pair(pair: str) -> tuple[str, str]:
    """``zh-en`` → (zh, en); ``zh-Hant-en`` → (zh-Hant, en); ``de-zh-Hant-TW`` → (de, zh-Hant-TW).

    A bare ``zh`` stands for both scripts.
    """
    parts = pair.split("-")
    for cut in range(1, len(parts)):
        source, target = "-".join(parts[:cut]), "-".join(parts[cut:])
        if source in SOURCE_TAGS and target in TARGET_TAGS:
            return source, target
    raise UsageError(
        f"cannot read language pair {pair!r}",
        hint="write SOURCE-TARGET with tags such as zh-en, zh-Hant-en, de-en, de-zh-Hans",
    )


def _matches(tag: str, wanted: str) -> bool:
    return tag == wanted or (wanted == "zh" and tag.startswith("zh"))


@dataclass(frozen=True)
class Selection:
    """Which units of a catalog folder an export takes."""

    folder: Path
    pair: tuple[str, str] | None = None
    docs: tuple[str, ...] = ()
    reviewed_only: bool = False
    # JSONL files (or folders of them) to read instead of the catalogs: the exports or the
    # `translate --json` output of a large run, written in shards.
    shards: tuple[Path, ...] = ()

    def units(self) -> Iterator[Unit]:
        for unit in self._stored():
            if self.pair is None or (
                _matches(unit.src_lang, self.pair[0]) and _matches(unit.tgt_lang, self.pair[1])
            ):
                yield unit

    def shard_files(self) -> list[Path]:
        """The JSONL files of :attr:`shards`, folders read recursively, in name order."""
        files: list[Path] = []
        for path in self.shards:
            if path.is_dir():
                files.extend(sorted(path.rglob("*.jsonl")))
            elif path.is_file():
                files.append(path)
            else:
                raise UsageError("no such file or folder", path=path, hint="check --from-jsonl")
        return files

    def _stored(self) -> Iterator[Unit]:
        if not self.shards:
            yield from read_units(
                self.folder, docs=self.docs or None, reviewed_only=self.reviewed_only
            )
            return
        wanted = set(self.docs)
        reader = get_format("jsonl")
        for path in self.shard_files():
            for unit in reader.read(path):
                if wanted and unit.doc not in wanted:
                    continue
                if self.reviewed_only and unit.status != "reviewed":
                    continue
                yield unit


def export_catalogs(selection: Selection, fmt: str, out: Path) -> tuple[int, ExportMeta]:
    """Write the selected units to ``out`` in format ``fmt``; returns (count, meta).

    The catalogs are read twice (once to learn the pair and signature, once to write), so the
    export streams whatever the corpus size.
    """
    writer = get_format(fmt)
    if selection.shards:
        files = selection.shard_files()
        if not files:
            raise CatalogError(
                "no .jsonl file here", path=selection.shards[0], hint="check --from-jsonl"
            )
        # Folders walked once: both passes then read the very same files.
        selection = replace(selection, shards=tuple(files))
    elif not find_catalogs(selection.folder):
        raise CatalogError(
            "no catalogs here", path=selection.folder, hint="run toolkit translate first"
        )
    pairs: Counter[tuple[str, str]] = Counter()
    signatures: Counter[str] = Counter()
    for unit in selection.units():
        pairs[(unit.src_lang, unit.tgt_lang)] += 1
        signatures[unit.signature] += 1
    if not pairs:
        raise CatalogError(
            "no units match the selection: nothing was written",
            path=selection.shards[0] if selection.shards else selection.folder,
            hint="check --pair, --docs and --reviewed-only",
        )
    if len(pairs) > 1 and not writer.multilingual:
        listed = ", ".join(f"{a}-{b} ({n})" for (a, b), n in sorted(pairs.items()))
        raise UsageError(
            f"the selection spans several language pairs: {listed}, and {fmt} holds one",
            hint="export one at a time with --pair (e.g. --pair zh-Hant-en), or all in one "
            "file as tmx, tsv or jsonl",
        )
    (src, tgt), *more = pairs
    if more:
        src = tgt = ALL
    meta = ExportMeta(src_lang=src, tgt_lang=tgt, signature=_signature(signatures))
    count = writer.write(selection.units(), out, meta)
    return count, meta


def _signature(signatures: Counter[str]) -> str:
    """The export's signature: the one its units share; several (reviewed references beside a
    machine run's catalogs) are all named, machine ones first, so none hides the others."""
    ordered = sorted(signatures, key=lambda s: ("engine:none" in s, -signatures[s], s))
    return " ; ".join(ordered)


def document_list(value: str | None) -> tuple[str, ...]:
    """``--docs 000,002`` → ("000", "002")."""
    return tuple(d.strip() for d in (value or "").split(",") if d.strip())
