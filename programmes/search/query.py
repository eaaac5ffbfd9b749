"""Parsing what a visitor typed into a ``SearchQuery``: words only, synonyms expanded.

What the visitor typed never reaches an engine as syntax: ``parse`` keeps only runs of letters
and digits (accents folded, apostrophes dropped, stop words removed, at most
``MAX_QUERY_TERMS``) and expands synonyms (topics' "also known as" terms, search synonyms,
university short names); each backend builds its own query from those words alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import CharField, Value
from django.http import HttpRequest

from portal.page_cache import cached
from programmes.models import SearchSynonym, Topic, University

from .memo import ConstantQuery, LastBuilt
from .text import MAX_QUERY_TERMS, PREFIX_MIN_LENGTH, key_words, words


@dataclass(frozen=True)
class Synonyms:
    """Groups of equivalent terms, each term a tuple of key words."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # Worked out from ``groups`` once: term -> group index, and the longest term's length.
    _lookup: dict[tuple[str, ...], int] = field(init=False, repr=False, compare=False)
    _longest: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[tuple[str, ...], int] = {}
        for index, group in enumerate(self.groups):
            for term in group:
                lookup.setdefault(term, index)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_longest", max((len(t) for t in lookup), default=0))

    @classmethod
    def from_terms(cls, groups: Iterable[Iterable[str]]) -> Synonyms:
        built = []
        for group in groups:
            terms = []
            for term in group:
                kw = key_words(term)
                if kw and kw not in terms:
                    terms.append(kw)
            if len(terms) > 1:
                built.append(tuple(terms))
        return cls(tuple(built))

    def match(self, tokens: list[str], start: int) -> tuple[int, tuple[tuple[str, ...], ...]]:
        """The longest term starting at ``tokens[start]``: (its length, its group), or (0, ())."""
        for length in range(min(self._longest, len(tokens) - start), 0, -1):
            index = self._lookup.get(tuple(tokens[start : start + length]))
            if index is not None:
                return length, self.groups[index]
        return 0, ()


def split_terms(value: str) -> list[str]:
    """An editor's "also known as" text: terms separated by semicolons, commas or new lines."""
    return [part.strip() for part in re.split(r"[;,\n]", value or "") if part.strip()]


def _synonym_rows():
    # One query: (a name taken whole, more terms to split) from each source.
    return (
        Topic.objects.order_by()
        .values_list("name", "also_known_as")
        .union(
            SearchSynonym.objects.order_by().values_list(
                Value("", output_field=CharField()), "terms"
            ),
            University.objects.order_by().exclude(short_name="").values_list("name", "short_name"),
            all=True,
        )
    )


_synonym_query = ConstantQuery(_synonym_rows)


def load_synonyms() -> Synonyms:
    """Every synonym group editors manage: topics, search synonyms, university short names."""
    return _synonyms(_synonym_query())


# Built again only when the rows differ from the last ones built from.
_synonyms = LastBuilt(
    lambda rows: Synonyms.from_terms([first, *split_terms(more)] for first, more in rows)
)


def synonyms(request: HttpRequest | None = None) -> Synonyms:
    """The synonym groups, cached under the catalogue version (one query to build)."""
    # Read once per request, even with no shared cache.
    kept = getattr(request, "_search_synonyms", None)
    if kept is not None:
        return kept
    found: Synonyms = cached(request, "search-synonyms", build=load_synonyms)
    if request is not None:
        setattr(request, "_search_synonyms", found)  # noqa: B010 - not an attribute of HttpRequest
    return found


# ----- queries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: clauses that must all match, each a choice of terms (tuples of words)."""

    clauses: tuple[tuple[tuple[str, ...], ...], ...]
    prefix: bool = False  # the last clause's single word also matches as a prefix
    dropped: int = 0  # words left out beyond MAX_QUERY_TERMS
    typed_length: int = 0  # characters in the words typed (with stop words), spaced

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def loosened(self) -> SearchQuery:
        """The same words, any of which may match (ranked: more words matched rank higher):
        what the list shows, and says so, when no programme matches every word."""
        merged: list[tuple[str, ...]] = []
        for choices in self.clauses:
            for term in choices:
                # A term of several words ("medical imaging") also matches by each word.
                for option in (term, *((word,) for word in term if len(term) > 1)):
                    if option not in merged:
                        merged.append(option)
        if len(merged) < 2:
            return self
        return SearchQuery((tuple(merged),), False, self.dropped, self.typed_length)

    def fts5(self, columns: tuple[str, ...] = ()) -> str:
        """An FTS5 MATCH expression. Every word is a double-quoted string (quotes doubled), so
        FTS5 operators in the input (AND, OR, NOT, NEAR, *, ^, :, parentheses) stay words.
        ``columns`` restricts the match to those columns."""

        def string(word: str) -> str:
            return '"' + word.replace('"', '""') + '"'

        parts = []
        for position, choices in enumerate(self.clauses):
            options = [" AND ".join(string(w) for w in term) for term in choices]
            options = [
                f"({o})" if len(term) > 1 else o for o, term in zip(options, choices, strict=True)
            ]
            if self.prefix and position == len(self.clauses) - 1:
                _prefixed(options, choices, string(choices[0][0]) + "*")
            parts.append("(" + " OR ".join(options) + ")")
        expression = " AND ".join(parts)
        if columns:
            return "{" + " ".join(columns) + "} : (" + expression + ")"
        return expression

    def tsquery(self, weights: str = "") -> str:
        """A ``to_tsquery`` expression. Words are letters and digits only, so none of them can be
        read as an operator. ``weights`` (e.g. "AB") restricts the match to those parts."""
        label = f":{weights}" if weights else ""
        parts = []
        for position, choices in enumerate(self.clauses):
            options = [" & ".join(w + label for w in term) for term in choices]
            options = [
                f"({o})" if len(term) > 1 else o for o, term in zip(options, choices, strict=True)
            ]
            if self.prefix and position == len(self.clauses) - 1:
                _prefixed(options, choices, f"{choices[0][0]}:*{weights}")
            parts.append("(" + " | ".join(options) + ")")
        return " & ".join(parts)

    def phrase_fts5(self) -> str:
        """The words as typed, in order, in the title (an FTS5 phrase)."""
        typed = " ".join(w.replace('"', '""') for choices in self.clauses for w in choices[0])
        return '{title} : "' + typed + '"'

    def phrase_tsquery(self) -> str:
        """The words as typed, in order, in the title (weight A)."""
        return " <-> ".join(f"{w}:A" for choices in self.clauses for w in choices[0])


def _prefixed(options: list[str], choices: tuple[tuple[str, ...], ...], prefixed: str) -> None:
    """The last word also matches as a prefix. The prefix matches the word itself, so when the
    word is the clause's first choice on its own it replaces it (the engines read one term's
    matches, not two: a broad search's lookups took a quarter less time)."""
    if len(choices[0]) == 1:
        options[0] = prefixed
    else:
        options.append(prefixed)


def parse(raw: str, synonym_groups: Synonyms | None = None) -> SearchQuery:
    synonym_groups = synonym_groups or Synonyms()
    tokens = list(key_words(raw or ""))
    dropped = max(0, len(tokens) - MAX_QUERY_TERMS)
    tokens = tokens[:MAX_QUERY_TERMS]
    clauses: list[tuple[tuple[str, ...], ...]] = []
    position = 0
    last_plain = False
    while position < len(tokens):
        length, group = synonym_groups.match(tokens, position)
        if length:
            typed = tuple(tokens[position : position + length])
            choices = (typed, *[t for t in group if t != typed])
            position += length
            last_plain = False
        else:
            choices = ((tokens[position],),)
            position += 1
            last_plain = True
        if choices not in clauses:
            clauses.append(choices)
    prefix = bool(clauses) and last_plain and len(clauses[-1][0][0]) >= PREFIX_MIN_LENGTH
    typed_length = len(" ".join(words(raw or "")))
    return SearchQuery(tuple(clauses), prefix=prefix, dropped=dropped, typed_length=typed_length)


# ----- matching small lists in Python (site search: guides, universities, topics) ----------


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def text_matches(query: SearchQuery, text: str) -> bool:
    """Whether ``text`` holds every clause of ``query`` (whole words, light stemming, the last
    word as a prefix): the rules of the programme index, for lists small enough to scan."""
    if not query:
        return False
    present = {_stem(w) for w in words(text)}
    plain = set(words(text))
    for position, choices in enumerate(query.clauses):
        found = any(all(_stem(w) in present for w in term) for term in choices)
        if not found and query.prefix and position == len(query.clauses) - 1:
            found = any(w.startswith(choices[0][0]) for w in plain)
        if not found:
            return False
    return True
