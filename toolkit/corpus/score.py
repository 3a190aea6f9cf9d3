"""Score an MT setup against the reviewed references: BLEU, chrF (sacrebleu) and term accuracy.

The reviewed sources are translated afresh with the engine, through a throwaway in-memory
translation memory, so a reference can never come back as machine output.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.corpus.catalog import read_units
from toolkit.corpus.export import parse_pair
from toolkit.errors import CatalogError
from toolkit.glossary.model import Glossary
from toolkit.models import Segment, Unit
from toolkit.mt.engine import DecodeOptions
from toolkit.mt.memory import TranslationMemory
from toolkit.mt.pipeline import CorpusTranslator, Installer, TranslateOptions, argos_code

if TYPE_CHECKING:
    from sacrebleu.metrics import BLEU, CHRF


@dataclass(frozen=True)
class Score:
    """Scores of one document (or of all of them) in one target language."""

    doc: str
    target: str
    segments: int
    bleu: float
    chrf: float
    terms: int  # glossary mentions in the sources
    terms_kept: int  # … whose expected rendering the hypothesis contains

    @property
    def term_accuracy(self) -> float:
        return 100.0 * self.terms_kept / self.terms if self.terms else 100.0


@dataclass
class ScoreReport:
    scores: list[Score] = field(default_factory=list)
    metric_signatures: dict[str, str] = field(default_factory=dict)  # sacrebleu's
    signature: str = ""  # the toolkit's reproducibility signature of the engine run
    glossary_enforced: bool = True


def _segment(unit: Unit) -> Segment:
    from toolkit.chinese import to_hans

    lang, _, script = unit.src_lang.partition("-")
    return Segment(
        id=unit.id,
        doc=unit.doc,
        start=0,
        end=len(unit.source),
        text=unit.source,
        norm=to_hans(unit.source) if lang == "zh" else unit.source,
        lang=lang,  # type: ignore[arg-type]
        script=(script or "Latn"),  # type: ignore[arg-type]
        kind=unit.kind,  # type: ignore[arg-type]
        paragraph=0,
        line=unit.line or 0,
    )


def _kept_terms(glossary: Glossary, reference: Unit, hypothesis: str) -> tuple[int, int]:
    """(mentions, mentions whose expected rendering the hypothesis holds), counted per rendering."""
    from collections import Counter

    from toolkit.glossary.match import matcher_for
    from toolkit.mt.protect import count_terms

    expected: Counter[str] = Counter()
    for match in matcher_for(glossary).find(reference.source, reference.src_lang):
        if not match.expects_rendering:
            continue
        expected[
            glossary.rendering(
                match.concept, match.term, match.surface, reference.tgt_lang, reference.src_lang
            )
        ] += 1
    found = count_terms(hypothesis, list(expected))
    return sum(expected.values()), sum(min(n, found[t]) for t, n in expected.items())


def score_catalogs(
    folder: Path,
    glossary: Glossary,
    *,
    pair: str | None = None,
    decode: DecodeOptions | None = None,
    enforce_glossary: bool = True,
    installer: Installer | None = None,
    progress: Callable[[int], None] | None = None,
) -> ScoreReport:
    """Translate the reviewed sources of ``folder`` and score the output against them."""
    import sacrebleu

    from toolkit.segment import SEGMENTER_ID

    wanted = parse_pair(pair) if pair else None
    references: dict[str, list[Unit]] = defaultdict(list)
    for unit in read_units(folder, reviewed_only=True):
        if argos_code(unit.src_lang) == argos_code(unit.tgt_lang):
            continue  # a source already in the target language is not translated
        if wanted and not (
            unit.src_lang.startswith(wanted[0]) and unit.tgt_lang.startswith(wanted[1])
        ):
            continue
        references[unit.tgt_lang].append(unit)
    if not references:
        raise CatalogError(
            "no reviewed translations to score against",
            path=folder,
            hint="review catalog entries (remove their fuzzy flag) or check --model",
        )
    report = ScoreReport(glossary_enforced=enforce_glossary)
    engine_glossary = glossary if enforce_glossary else Glossary(())
    for target, units in sorted(references.items()):
        options = TranslateOptions(target=target, decode=decode or DecodeOptions())
        with TranslationMemory(":memory:") as scratch:
            translator = CorpusTranslator(engine_glossary, scratch, options, installer=installer)
            hypotheses = [
                u.target
                for u in translator.run([_segment(u) for u in units], SEGMENTER_ID, progress)
            ]
        report.signature = translator.signature
        bleu = sacrebleu.BLEU(tokenize="zh" if target.startswith("zh") else "13a")
        chrf = sacrebleu.CHRF()
        per_doc: dict[str, list[int]] = defaultdict(list)
        for index, unit in enumerate(units):
            per_doc[unit.doc].append(index)
        for doc, indexes in [*sorted(per_doc.items()), ("all", list(range(len(units))))]:
            report.scores.append(
                _score(
                    doc,
                    target,
                    [units[i] for i in indexes],
                    [hypotheses[i] for i in indexes],
                    glossary,
                    bleu,
                    chrf,
                )
            )
        report.metric_signatures = {
            "BLEU": str(bleu.get_signature()),
            "chrF": str(chrf.get_signature()),
        }
    return report


def _score(
    doc: str,
    target: str,
    references: Sequence[Unit],
    hypotheses: Sequence[str],
    glossary: Glossary,
    bleu: BLEU,
    chrf: CHRF,
) -> Score:
    refs = [[unit.target for unit in references]]
    terms = kept = 0
    for unit, hypothesis in zip(references, hypotheses, strict=True):
        mentions, found = _kept_terms(glossary, unit, hypothesis)
        terms += mentions
        kept += found
    return Score(
        doc=doc,
        target=target,
        segments=len(references),
        bleu=bleu.corpus_score(list(hypotheses), refs).score,
        chrf=chrf.corpus_score(list(hypotheses), refs).score,
        terms=terms,
        terms_kept=kept,
    )
