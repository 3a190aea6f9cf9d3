"""Inflected surface forms of German and English glossary terms.

German news text declines the terms it uses ("des Weißen Hauses", "dem Weißen Haus",
"Schattenflotten", "europäischen Pfeiler"). Rather than stemming the text at match time, each
term yields a few *declensions*: a written form plus the endings its last word may take
(``("Weißen Haus", ("", "s", "es", "e"))``). The matcher indexes each form once and accepts a hit
when the rest of the word is one of the endings, so the text is still scanned once, at automaton
speed, and a hit is always a whole word sequence.

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


def declensions(text: str, lang: str, concept_type: str = "") -> list[Declension]:
    """(form, endings) pairs: ``text`` may occur as ``form + ending`` for any ending listed.

    The first pair is always the written form; ``("",)`` means "exactly as written".
    """
    if lang == "de":
        pairs = _german(text, person=concept_type == "person")
    elif lang == "en":
        pairs = _english(text, person=concept_type == "person")
    else:
        return [(text, EXACT)]
    merged: dict[str, tuple[str, ...]] = {}
    for form, endings in pairs:
        known = merged.get(form, ())
        merged[form] = known + tuple(e for e in endings if e not in known)
    merged.setdefault(text, EXACT)
    if "" not in merged[text]:
        merged[text] = ("", *merged[text])
    ordered = [(text, merged.pop(text)), *merged.items()]
    return ordered[:MAX_DECLENSIONS]


def inflected_forms(text: str, lang: str, concept_type: str = "") -> list[str]:
    """Every full surface form of ``text`` (the written one first), for exact lookup."""
    forms = [
        form + ending
        for form, endings in declensions(text, lang, concept_type)
        for ending in endings
    ]
    return list(dict.fromkeys(forms))


def _declinable(token: str) -> bool:
    """A word that may take an ending: letters (inner hyphens allowed), not an acronym."""
    core = token.rsplit("-", 1)[-1]
    return (
        len(core) >= 2
        and core.replace("ß", "s").isalpha()
        and not core.isupper()
        and token.lower() not in FUNCTION_WORDS
    )


def _adjective_like(token: str) -> bool:
    return len(token) >= 4 and "-" not in token and token.endswith(_ADJECTIVE_ENDINGS)


def _adjective_stem(token: str) -> str:
    for ending in ("en", "em", "er", "es", "e"):
        if token.endswith(ending):
            return token[: -len(ending)]
    return token


def _noun_endings(token: str) -> tuple[str, ...]:
    word = token.rsplit("-", 1)[-1].lower()
    if word.endswith("e"):
        return ("", "n", "ns")
    if word.endswith(("el", "er", "en")):
        return ("", "s", "n")
    if word.endswith(_FEMININE_SUFFIXES):
        return ("", "en")
    if word.endswith(("s", "ß", "x", "z")):
        return ("", "es", "e", "en")
    return ("", "s", "es", "e", "en", "er")


def _german(text: str, *, person: bool) -> list[Declension]:
    tokens = text.split(" ")
    if person:
        last = tokens[-1]
        if _declinable(last) and not last.endswith(("s", "ß", "x", "z")):
            return [(text, ("", "s"))]
        return [(text, EXACT)]
    phrase_end = 0
    while phrase_end < len(tokens) and _declinable(tokens[phrase_end]):
        phrase_end += 1
    heads = []
    for index in range(phrase_end):
        heads.append(index)
        if not _adjective_like(tokens[index]):
            break  # a word that cannot be an adjective is the head at the latest
    pairs: list[Declension] = [(text, EXACT)]
    # The last candidate is the most plausible head (the first clear noun): generate it first.
    for head in reversed(heads):
        adjectives, noun, rest = tokens[:head], tokens[head], tokens[head + 1 :]
        noun_endings = _noun_endings(noun)
        adjective_endings = _ADJECTIVE_ENDINGS if adjectives else ("en",)
        stems = [_adjective_stem(word) for word in adjectives]
        for adjective_ending in adjective_endings:
            agreeing = _AGREEMENT[adjective_ending] if adjectives else None
            endings = tuple(e for e in noun_endings if agreeing is None or e in agreeing)
            words = [stem + adjective_ending for stem in stems]
            if rest:  # the head is inside the term: spell each form out
                pairs.extend((" ".join([*words, noun + e, *rest]), EXACT) for e in endings)
            else:
                pairs.append((" ".join([*words, noun]), endings))
    return pairs


def _english(text: str, *, person: bool) -> list[Declension]:
    last = text.rsplit(" ", 1)[-1]
    if person or not last.isalpha() or last.isupper() or len(last) < 3:
        return [(text, EXACT)]
    plural = "es" if last.endswith(("s", "x", "z", "ch", "sh")) else "s"
    return [(text, ("", plural))]
