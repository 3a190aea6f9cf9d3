"""Inflected surface forms of German and English glossary terms.

German news text declines the terms it uses ("des Weißen Hauses", "dem Weißen Haus",
"Schattenflotten", "europäischen Pfeiler"). Rather than stemming the text at match time, each
term yields a few *declensions*: a written form plus the endings its last word may take
(``("Weißen Haus", ("", "s", "es", "e"))``). The matcher indexes every form with each of its
endings, so the text is still scanned once, at automaton speed, and a hit is always a whole word
sequence.

The rules are deliberately small (no dictionary):

* Tokens after the first article, preposition, number or acronym are fixed ("Koalition der
  Willigen", "Artikel 5"): only the leading noun phrase declines.
* In that phrase, the words before the head are adjectives that share one ending from
  ``e, en, er, es, em``; the head takes noun endings chosen by its last letters; words after the
  head stay as written ("Oberster Alliierter Befehlshaber Europa"). A capitalised word ending
  like an adjective may be either, so every plausible head position is tried.
* Adjective and noun endings agree: strong "-e/-er/-es" leave the noun bare, "-em" allows "-e",
  and only "-en" combines with every noun ending.
* Person names take the genitive ``-s`` on the last word ("Selenskyjs", "von der Leyens").
* English terms take a plural ``-s``/``-es`` on the last word ("shadow fleets").

The garbage forms the rules also produce ("Weißeses Haus") cost an index entry and never occur.

A matcher over a large glossary declines tens of thousands of terms, so the per-word decisions
are memoised in plain dicts (the words of a glossary repeat: adjectives, articles, nouns).
"""

from __future__ import annotations

_FUNCTION_WORDS_TEXT = (
    "der die das des dem den ein eine einer eines einem einen und oder von vom zu zum zur für "
    "in im am an auf aus bei beim mit nach gegen über unter vor durch ohne um als"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
# Noun endings an adjective ending agrees with (None: any ending the noun takes).
_AGREEMENT: dict[str, tuple[str, ...] | None] = {
    "en": None,
    "e": ("",),
    "er": ("",),
    "es": ("",),
    "em": ("", "e"),
}
_FEMININE_SUFFIXES = ("ion", "ung", "heit", "keit", "schaft", "tät", "ie", "ik")
#: At most this many declensions per term (the written form first).
MAX_DECLENSIONS = 24

Declension = tuple[str, tuple[str, ...]]
EXACT: tuple[str, ...] = ("",)
#: Every letter a declension adds to the written term (endings; stems only remove letters).
ADDED_LETTERS = "emnrs"

# Per-word decisions, memoised (bounded by the vocabulary of the glossaries seen).
_DECLINABLE: dict[str, bool] = {}
_ADJECTIVE_LIKE: dict[str, bool] = {}
_STEMS: dict[str, str] = {}
_NOUN_ENDINGS: dict[str, tuple[str, ...]] = {}
# noun endings → (adjective ending, agreeing noun endings) for a head with adjectives before it.
_COMBINATIONS: dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]] = {}


def _clear_caches() -> None:
    """Forget the memoised word decisions (benchmarks time cold builds)."""
    for cache in (_DECLINABLE, _ADJECTIVE_LIKE, _STEMS, _NOUN_ENDINGS, _COMBINATIONS):
        cache.clear()


def declensions(text: str, lang: str, concept_type: str = "") -> list[Declension]:
    """(form, endings) pairs: ``text`` may occur as ``form + ending`` for any ending listed.

    The first pair is always the written form; ``("",)`` means "exactly as written".
    """
    if lang == "de":
        if concept_type == "person":
            last = text.rsplit(" ", 1)[-1]
            if _declinable(last) and not last.endswith(("s", "ß", "x", "z")):
                return [(text, ("", "s"))]
            return [(text, EXACT)]
        merged = _german(text)
        if len(merged) == 1:
            return [(text, merged[text])]
        ordered = list(merged.items())  # the written form was inserted first
        return ordered[:MAX_DECLENSIONS]
    if lang == "en":
        return [(text, _english(text, person=concept_type == "person"))]
    return [(text, EXACT)]


def inflected_forms(text: str, lang: str, concept_type: str = "") -> list[str]:
    """Every full surface form of ``text`` (the written one first), for exact lookup."""
    forms = [
        form + ending
        for form, endings in declensions(text, lang, concept_type)
        for ending in endings
    ]
    return list(dict.fromkeys(forms))


def last_words(text: str, lang: str, concept_type: str = "") -> set[str]:
    """The word after the last space of every :func:`declensions` form, ending included (the
    whole form when it has no space): that set or a few more, without spelling the forms out.

    A matcher indexing a large glossary by last word needs no more than this at build time.
    """
    if lang == "de" and concept_type != "person" and " " in text:
        tokens = text.split(" ")
        last = tokens[-1]
        words = {last}
        # The last word declines only when it can be the head: every word before it an
        # adjective, every word declinable (see _german).
        if all(map(_declinable, tokens)) and all(map(_adjective_like, tokens[:-1])):
            words.update(last + ending for ending in _noun_endings(last))
        return words
    return {
        form.rsplit(" ", 1)[-1] + ending
        for form, endings in declensions(text, lang, concept_type)
        for ending in endings
    }


def _declinable(token: str) -> bool:
    """A word that may take an ending: letters (inner hyphens allowed), not an acronym."""
    known = _DECLINABLE.get(token)
    if known is None:
        core = token.rsplit("-", 1)[-1]
        known = _DECLINABLE[token] = (
            len(core) >= 2
            and core.replace("ß", "s").isalpha()
            and not core.isupper()
            and token.lower() not in FUNCTION_WORDS
        )
    return known


def _adjective_like(token: str) -> bool:
    known = _ADJECTIVE_LIKE.get(token)
    if known is None:
        known = _ADJECTIVE_LIKE[token] = (
            len(token) >= 4 and "-" not in token and token.endswith(_ADJECTIVE_ENDINGS)
        )
    return known


def _adjective_stem(token: str) -> str:
    stem = _STEMS.get(token)
    if stem is None:
        stem = token
        for ending in ("en", "em", "er", "es", "e"):
            if token.endswith(ending):
                stem = token[: -len(ending)]
                break
        _STEMS[token] = stem
    return stem


def _noun_endings(token: str) -> tuple[str, ...]:
    known = _NOUN_ENDINGS.get(token)
    if known is None:
        known = _NOUN_ENDINGS[token] = _noun_endings_of(token.rsplit("-", 1)[-1].lower())
    return known


def _noun_endings_of(word: str) -> tuple[str, ...]:
    if word.endswith("e"):
        return ("", "n", "ns")
    if word.endswith(("el", "er", "en")):
        return ("", "s", "n")
    if word.endswith(_FEMININE_SUFFIXES):
        return ("", "en")
    if word.endswith(("s", "ß", "x", "z")):
        return ("", "es", "e", "en")
    return ("", "s", "es", "e", "en", "er")


def _combinations(noun_endings: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    known = _COMBINATIONS.get(noun_endings)
    if known is None:
        known = _COMBINATIONS[noun_endings] = tuple(
            (
                adjective_ending,
                tuple(
                    e
                    for e in noun_endings
                    if _AGREEMENT[adjective_ending] is None or e in _AGREEMENT[adjective_ending]
                ),
            )
            for adjective_ending in _ADJECTIVE_ENDINGS
        )
    return known


def _german(text: str) -> dict[str, tuple[str, ...]]:
    """Forms of a non-person German term → their endings, the written form first."""
    tokens = text.split(" ")
    count = len(tokens)
    phrase_end = 0
    while phrase_end < count and _declinable(tokens[phrase_end]):
        phrase_end += 1
    heads = []
    for index in range(phrase_end):
        heads.append(index)
        if not _adjective_like(tokens[index]):
            break  # a word that cannot be an adjective is the head at the latest
    merged: dict[str, tuple[str, ...]] = {text: EXACT}
    # The last candidate is the most plausible head (the first clear noun): generate it first.
    for head in reversed(heads):
        noun = tokens[head]
        tail = " " + " ".join(tokens[head + 1 :]) if head + 1 < count else None
        if head:
            stems = [_adjective_stem(word) for word in tokens[:head]]
            variants = [
                (" ".join([stem + ending for stem in stems]) + " ", endings)
                for ending, endings in _combinations(_noun_endings(noun))
            ]
        else:
            variants = [("", _noun_endings(noun))]
        for prefix, endings in variants:
            if tail is not None:  # the head is inside the term: spell each form out
                for ending in endings:
                    form = prefix + noun + ending + tail
                    if form not in merged:
                        merged[form] = EXACT
            else:
                form = prefix + noun
                known = merged.get(form)
                if known is None:
                    merged[form] = endings
                elif known != endings:
                    merged[form] = known + tuple(e for e in endings if e not in known)
    return merged


def _english(text: str, *, person: bool) -> tuple[str, ...]:
    last = text.rsplit(" ", 1)[-1]
    if person or not last.isalpha() or last.isupper() or len(last) < 3:
        return EXACT
    return ("", "es" if last.endswith(("s", "x", "z", "ch", "sh")) else "s")
