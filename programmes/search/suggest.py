""" "Did you mean …?": a corrected query built from the catalogue's own words."""

from __future__ import annotations

import re
import time
import unicodedata

from rapidfuzz import fuzz, process

from portal.page_cache import cached, content_version
from programmes.models import Programme, Topic, University

from .text import MAX_QUERY_TERMS, PREFIX_MIN_LENGTH, STOP_WORDS, fold, key_words

SUGGESTION_CUTOFF = 75  # rapidfuzz ratio (0-100): "edinbrugh" -> "edinburgh" scores 89
_DISPLAY_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def load_vocabulary() -> dict[str, str]:
    """The catalogue's own words, folded -> as written: published programmes' titles, their
    universities' names, short names and cities, topics and their "also known as" terms."""
    texts: list[str] = []
    published = Programme.objects.published()
    texts.extend(published.values_list("title", flat=True).distinct())
    for name, short, city in University.objects.with_published_programmes().values_list(
        "name", "short_name", "city"
    ):
        texts.extend((name, short, city))
    for name, also in Topic.objects.values_list("name", "also_known_as"):
        texts.extend((name, also))
    vocabulary: dict[str, str] = {}
    for text in texts:
        for word in _DISPLAY_WORD.findall(unicodedata.normalize("NFKC", text or "")):
            key = fold(word).replace("'", "").replace("’", "")
            if len(key) >= PREFIX_MIN_LENGTH and key not in STOP_WORDS:
                vocabulary.setdefault(key, word)
    return vocabulary


VOCABULARY_FALLBACK_SECONDS = 60
_fallback: dict = {}


def vocabulary(request=None) -> dict[str, str]:
    """The vocabulary, cached under the catalogue version. When the shared cache is off or
    unreachable, each process keeps its own copy for a minute instead: building it reads every
    published title (30 ms and more at 20,000 programmes), and a suggestion a minute out of
    date is harmless (the link it offers runs a real search)."""
    if content_version(request) is not None:
        return cached(request, "search-vocabulary", build=load_vocabulary)
    now = time.monotonic()
    if _fallback.get("until", 0) < now:
        _fallback.update(words=load_vocabulary(), until=now + VOCABULARY_FALLBACK_SECONDS)
    return _fallback["words"]


def suggest(raw: str, *, request=None) -> str | None:
    """A corrected query built from the catalogue's words, or None when nothing is misspelt."""
    typed = key_words(raw or "")[:MAX_QUERY_TERMS]
    if not typed:
        return None
    known = vocabulary(request)
    keys = list(known)
    corrected, changed = [], False
    for word in typed:
        if word in known or len(word) < PREFIX_MIN_LENGTH or word.isdigit():
            corrected.append(known.get(word, word))
            continue
        best = process.extractOne(word, keys, scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF)
        if best is None:
            corrected.append(word)
        else:
            corrected.append(known[best[0]])
            changed = True
    return " ".join(corrected) if changed else None
