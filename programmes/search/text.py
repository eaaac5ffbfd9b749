"""Words as search sees them: folding (case, accents, apostrophes), stop words, key words.

Shared by the query parser, the index and the Python matching of small lists, so a word is
the same word everywhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata

MAX_QUERY_TERMS = 10
PREFIX_MIN_LENGTH = 3

# Words too common to search for. PostgreSQL's ``english`` configuration drops these (and more)
# from documents and queries; dropping them from queries on both databases keeps results alike.
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "s",
        "so",
        "t",
        "than",
        "that",
        "the",
        "their",
        "there",
        "these",
        "this",
        "to",
        "was",
        "were",
        "which",
        "while",
        "will",
        "with",
    }
)
# Words students add to any search that say nothing about which programme they want ("masters
# in AI for healthcare UK course"): every programme here is a UK postgraduate course.
STUDENT_FILLER_WORDS = frozenset(
    {
        "course",
        "courses",
        "degree",
        "degrees",
        "master",
        "masters",
        "postgrad",
        "postgraduate",
        "program",
        "programme",
        "programmes",
        "programs",
        "study",
        "uk",
    }
)
STOP_WORDS = STOP_WORDS | STUDENT_FILLER_WORDS
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"(?<=\w)['’‘`´](?=\w)")


# fold, words and key_words are pure: the same text always gives the same words. Each page
# that reads a search folds the names of every university, topic and town again (the synonyms
# and place words are rebuilt whenever the data cache has none); remembering the answers for
# short texts seen before (names, not pages) saves most of that work. Bounded in count and size.
_MEMO_LENGTH = 200


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: "Queen's Université" -> "queens universite"."""
    return _fold_memo(text) if len(text) <= _MEMO_LENGTH else _fold(text)


def _fold(text: str) -> str:
    if text.isascii():  # most text: no accents to take off, and NFKC/NFKD change nothing
        return _APOSTROPHES.sub("", text).casefold()
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_fold_memo = functools.lru_cache(maxsize=16384)(_fold)


def words(text: str) -> list[str]:
    """The searchable words of ``text``: folded runs of letters and digits."""
    if len(text) > _MEMO_LENGTH:
        return _WORD.findall(_fold(text))
    return list(_short_words(text))


@functools.lru_cache(maxsize=16384)
def _short_words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_fold(text)))


def key_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in words(text) if w not in STOP_WORDS)
