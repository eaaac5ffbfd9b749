"""Full-text search over programmes: one interface over SQLite FTS5 and PostgreSQL.

The index is one table, ``programmes_search``, keyed by the programme id, created by
migration 0006 in the form each database needs (the model ``ProgrammeSearch`` lets the ORM join
it):

- SQLite: an FTS5 virtual table with four searched columns (title; university, short name,
  city, award, modes and topics; summary; description) and the programme id, tokenised with
  ``porter unicode61 remove_diacritics 2`` and ranked with ``bm25`` using the column weights
  in ``SQLITE_WEIGHTS``.
- PostgreSQL: a stored ``tsvector`` (the same four parts as weights A–D, ``unaccent`` then the
  ``english`` configuration) under a GIN index, ranked with ``ts_rank_cd``.

What the visitor typed never reaches either engine as syntax. ``parse`` keeps only runs of
letters and digits (accents folded, apostrophes dropped, stop words removed, at most
``MAX_QUERY_TERMS``), expands synonyms (topics' "also known as" terms, search synonyms, and
university short names), and ``SearchQuery.fts5()`` / ``.tsquery()`` build the engine's query
from those words alone: every word must match (or one of its synonyms), the last word also
matches as a prefix when it has three letters or more.

The index is kept in step with every write the way the public cache is (see programmes/cache.py):
signal receivers for saves and topic changes made through the ORM (admin, CSV import,
load_catalogue, a shell session), Django's cascade for deletes, and explicit calls from code that
writes with ``bulk_create``/``bulk_update`` (seed_synthetic, the admin's bulk actions).
``manage.py rebuild_search_index`` rebuilds it from scratch.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import NotSupportedError, connection
from django.db.models import BooleanField, F, FloatField, Func
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

MAX_QUERY_TERMS = 10
# Column weights: a title match counts most, then the university/topics, summary, description.
SQLITE_WEIGHTS = (0.0, 10.0, 5.0, 2.0, 1.0)  # programme_id (not searched), then the four
# ts_rank_cd's weights are given for D, C, B, A.
POSTGRES_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
PREFIX_MIN_LENGTH = 3
TITLE_SLACK = 4  # apostrophes, brackets and the like in a title that is otherwise the query
TABLE = "programmes_search"

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
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"(?<=\w)['’‘`´](?=\w)")


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: "Queen's Université" -> "queens universite"."""
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The searchable words of ``text``: folded runs of letters and digits."""
    return _WORD.findall(fold(text))


def key_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in words(text) if w not in STOP_WORDS)


# ----- synonyms ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Synonyms:
    """Groups of equivalent terms, each term a tuple of key words."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()

    def __post_init__(self):
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


def load_synonyms() -> Synonyms:
    """Every synonym group editors manage: topics, search synonyms, university short names."""
    from django.db.models import CharField, Value

    from .models import SearchSynonym, Topic, University

    # One query: (a name taken whole, more terms to split) from each source.
    rows = (
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
    return Synonyms.from_terms([first, *split_terms(more)] for first, more in rows)


def synonyms(request=None) -> Synonyms:
    """The synonym groups, cached under the catalogue version (one query to build)."""
    from .cache import cached

    if request is not None and hasattr(request, "_search_synonyms"):
        return request._search_synonyms  # read once per request, even with no shared cache
    found = cached(request, "search-synonyms", build=load_synonyms)
    if request is not None:
        request._search_synonyms = found
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
                options.append(string(choices[0][0]) + "*")
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
                options.append(f"{choices[0][0]}:*{weights}")
            parts.append("(" + " | ".join(options) + ")")
        return " & ".join(parts)

    def phrase_fts5(self) -> str:
        """The words as typed, in order, in the title (an FTS5 phrase)."""
        typed = " ".join(w.replace('"', '""') for choices in self.clauses for w in choices[0])
        return '{title} : "' + typed + '"'

    def phrase_tsquery(self) -> str:
        """The words as typed, in order, in the title (weight A)."""
        return " <-> ".join(f"{w}:A" for choices in self.clauses for w in choices[0])


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


def matching_ids(query: SearchQuery) -> RawSQL:
    """The ids of programmes whose entry matches ``query``: one index lookup, run once per
    query as ``id IN (...)`` (on SQLite the rowid, which is the programme id)."""
    # The SQL text is constant; the query travels as a parameter.
    if connection.vendor == "sqlite":
        sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608
        return RawSQL(sql, [query.fts5()])  # noqa: S611
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT programme_id FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} @@ to_tsquery('english'::regconfig, unaccent(%s))"
        )
        return RawSQL(sql, [query.tsquery()])  # noqa: S611
    raise NotSupportedError("Search needs SQLite (FTS5) or PostgreSQL.")


class SearchMatch(Func):
    """``WHERE`` the programme's index entry matches the query (joins ``programmes_search``)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, query: SearchQuery):
        super().__init__(F("search_entry__document"))
        self.query = query

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("Search needs SQLite (FTS5) or PostgreSQL.")

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} MATCH %s", [*params, self.query.fts5()]

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return (
            f"{column} @@ to_tsquery('english'::regconfig, unaccent(%s))",
            [*params, self.query.tsquery()],
        )


class SearchScore(Func):
    """The relevance score, higher is better; only valid next to a ``SearchMatch`` filter.

    Whole units say where the words matched, the same way on both databases: one for the words
    as typed, in order, in the title, and one more when the title is little else (no more than
    ``TITLE_SLACK`` characters longer); one for every word in the title; one for every word in
    the title or the university/topics. So a title match always comes before a summary match,
    and "health data science" lists the programmes of that title first.
    Within a unit, half of the fraction is the engine's own rank (bm25, or ts_rank_cd, with the
    column weights) scaled into [0, 1], and half favours shorter, more specific titles.
    """

    output_field = FloatField()

    def __init__(self, query: SearchQuery):
        super().__init__(F("search_entry__document"), F("title"))
        self.query = query

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("Search needs SQLite (FTS5) or PostgreSQL.")

    def _compile(self, compiler):
        column, column_params = compiler.compile(self.source_expressions[0])
        title, title_params = compiler.compile(self.source_expressions[1])
        shortness = f"(0.5 * 10.0 / (10.0 + LENGTH({title})))"
        # The phrase unit, plus one when the title is hardly longer than what was typed.
        phrase = (
            "(CASE WHEN {condition} THEN 1 + "
            f"(CASE WHEN LENGTH({title}) <= %s THEN 1 ELSE 0 END) ELSE 0 END)"
        )
        return column, column_params, shortness, title_params, phrase

    def _phrase_params(self, title_params):
        return [*title_params, self.query.typed_length + TITLE_SLACK]

    def as_sqlite(self, compiler, connection, **extra):
        column, params, shortness, title_params, phrase = self._compile(compiler)
        rowid = column.rsplit(".", 1)[0] + ".rowid"
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        # Each IN (...) runs its MATCH once per query, not once per row.
        within = (
            f"(CASE WHEN {rowid} IN (SELECT s.rowid FROM {TABLE} AS s WHERE s.{TABLE} MATCH %s) "  # noqa: S608 - a constant table name; values are parameters
            "THEN 1 ELSE 0 END)"
        )
        # bm25() is lower (more negative) for better matches; capped at 10 and scaled into
        # [0, 1] with one call (it is computed per matching row, and two calls cost 20% more).
        engine = f"(0.5 * MIN(-bm25({column}, {weights}), 10.0) / 10.0)"
        in_title = phrase.format(
            condition=f"{rowid} IN (SELECT s.rowid FROM {TABLE} AS s WHERE s.{TABLE} MATCH %s)"  # noqa: S608 - a constant table name; values are parameters
        )
        sql = f"({in_title} + {within} + {within} + {engine} + {shortness})"
        return sql, [
            self.query.phrase_fts5(),
            *self._phrase_params(title_params),
            self.query.fts5(("title",)),
            self.query.fts5(("title", "organisation")),
            *params,
            *title_params,
        ]

    def as_postgresql(self, compiler, connection, **extra):
        column, params, shortness, title_params, phrase = self._compile(compiler)
        within = f"(CASE WHEN {column} @@ to_tsquery('english'::regconfig, unaccent(%s)) "
        within += "THEN 1 ELSE 0 END)"
        # Normalisation 32 scales the rank into [0, 1): rank / (rank + 1).
        engine = (
            f"(0.5 * ts_rank_cd('{POSTGRES_WEIGHTS}'::float4[], {column}, "
            "to_tsquery('english'::regconfig, unaccent(%s)), 32))"
        )
        in_title = phrase.format(
            condition=f"{column} @@ to_tsquery('english'::regconfig, unaccent(%s))"
        )
        sql = f"({in_title} + {within} + {within} + {engine} + {shortness})"
        return sql, [
            *params,
            self.query.phrase_tsquery(),
            *self._phrase_params(title_params),
            *params,
            self.query.tsquery("A"),
            *params,
            self.query.tsquery("AB"),
            *params,
            self.query.tsquery(),
            *title_params,
        ]


# ----- the index ---------------------------------------------------------------------------


def document_parts(
    *,
    title: str,
    award: str,
    university_name: str,
    short_name: str,
    city: str,
    topic_names: Iterable[str],
    summary: str,
    description: str,
    modes: Iterable[str] = (),
) -> tuple[str, str, str, str]:
    """The four weighted parts of a programme's index entry (modes as their labels, e.g.
    "Online / distance", so "online" finds distance courses)."""
    organisation = " ".join(p for p in (university_name, short_name, city, award, *modes) if p)
    topics = " ".join(sorted(topic_names))
    return (title, f"{organisation} {topics}".strip(), summary or "", description or "")


_SQLITE_INSERT = (
    f"INSERT INTO {TABLE} (rowid, programme_id, title, organisation, summary, body) "  # noqa: S608 - a constant table name; values are parameters
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
_POSTGRES_UPSERT = (
    f"INSERT INTO {TABLE} (programme_id, {TABLE}) VALUES (%s, "  # noqa: S608 - a constant table name; values are parameters
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'A') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'B') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'C') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(%s)), 'D')) "
    f"ON CONFLICT (programme_id) DO UPDATE SET {TABLE} = EXCLUDED.{TABLE}"
)


def write_entries(db, rows: list[tuple[int, tuple[str, str, str, str]]], *, fresh=False) -> None:
    """Replace the index entries of these (programme id, parts) rows on connection ``db``."""
    if not rows:
        return
    # NUL cannot be stored in PostgreSQL text; it is never part of a word anyway.
    values = [(pk, *(part.replace("\x00", " ") for part in parts)) for pk, parts in rows]
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            if not fresh:
                delete_entries(db, [pk for pk, _ in rows])
            cursor.executemany(_SQLITE_INSERT, [(v[0], *v) for v in values])
        elif db.vendor == "postgresql":
            cursor.executemany(_POSTGRES_UPSERT, values)


def delete_entries(db, ids: list[int]) -> None:
    # SQLite: the rowid (FTS5's key; programme_id is not indexed there). PostgreSQL: the key.
    key = "rowid" if db.vendor == "sqlite" else "programme_id"
    with db.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE {key} IN ({marks})", chunk)  # noqa: S608 - a constant table name; values are parameters


def index_programmes(ids: Iterable[int]) -> None:
    """Bring the index entries of these programmes in step with the database (any status)."""
    from .models import Programme

    ids = sorted({int(i) for i in ids if i is not None})
    if not ids or connection.vendor not in ("sqlite", "postgresql"):
        return
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        programmes = (
            Programme.objects.filter(pk__in=chunk)
            .select_related("university")
            .prefetch_related("topics")
            .only(
                "title",
                "award",
                "offers_full_time",
                "offers_part_time",
                "offers_online",
                "summary",
                "description",
                "university__name",
                "university__short_name",
                "university__city",
            )
        )
        rows = [(p.pk, programme_document(p)) for p in programmes]
        found = {pk for pk, _ in rows}
        gone = [pk for pk in chunk if pk not in found]
        write_entries(connection, rows)
        if gone:
            delete_entries(connection, gone)


def programme_document(programme) -> tuple[str, str, str, str]:
    university = programme.university
    return document_parts(
        title=programme.title,
        award=programme.award,
        university_name=university.name,
        short_name=university.short_name,
        city=university.city,
        topic_names=[t.name for t in programme.topics.all()],
        summary=programme.summary,
        description=programme.description,
        modes=programme.modes,
    )


def rebuild_index() -> int:
    """Index every programme afresh. Returns how many entries were written."""
    from .models import Programme

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - a constant table name; values are parameters
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    index_programmes(ids)
    return len(ids)


# ----- keeping it in step ------------------------------------------------------------------


def _programme_saved(sender, instance, raw=False, **kwargs):
    index_programmes([instance.pk])


def _programme_topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        if action == "pre_clear" and reverse:
            instance._search_reindex = list(instance.programmes.values_list("pk", flat=True))
        return
    if not reverse:
        index_programmes([instance.pk])
    elif action == "post_clear":
        index_programmes(getattr(instance, "_search_reindex", []))
    else:
        index_programmes(pk_set or [])


def _university_saved(sender, instance, **kwargs):
    index_programmes(instance.programmes.values_list("pk", flat=True))


def _topic_saved(sender, instance, created=False, **kwargs):
    if not created:
        index_programmes(instance.programmes.values_list("pk", flat=True))


def _topic_deleting(sender, instance, **kwargs):
    # Its programmes, read before Django removes the topic's links; reindexed after the delete.
    instance._search_reindex = list(instance.programmes.values_list("pk", flat=True))


def _topic_deleted(sender, instance, **kwargs):
    index_programmes(getattr(instance, "_search_reindex", []))


def connect_indexing() -> None:
    """Connect the receivers that keep ``programmes_search`` in step with ORM writes."""
    from .models import Programme, Topic, University

    post_save.connect(_programme_saved, sender=Programme, dispatch_uid="search-programme-save")
    m2m_changed.connect(
        _programme_topics_changed,
        sender=Programme.topics.through,
        dispatch_uid="search-programme-topics",
    )
    post_save.connect(_university_saved, sender=University, dispatch_uid="search-university")
    post_save.connect(_topic_saved, sender=Topic, dispatch_uid="search-topic-save")
    pre_delete.connect(_topic_deleting, sender=Topic, dispatch_uid="search-topic-deleting")
    post_delete.connect(_topic_deleted, sender=Topic, dispatch_uid="search-topic-deleted")


# ----- "Did you mean …?" -------------------------------------------------------------------

SUGGESTION_CUTOFF = 75  # rapidfuzz ratio (0-100): "edinbrugh" -> "edinburgh" scores 89
_DISPLAY_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def load_vocabulary() -> dict[str, str]:
    """The catalogue's own words, folded -> as written: published programmes' titles, their
    universities' names, short names and cities, topics and their "also known as" terms."""
    from .models import Programme, Topic, University

    texts: list[str] = []
    published = Programme.objects.published()
    texts.extend(published.values_list("title", flat=True).distinct())
    for name, short, city in (
        University.objects.filter(programmes__in=published)
        .distinct()
        .values_list("name", "short_name", "city")
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
    from .cache import cached, catalogue_version

    if catalogue_version(request) is not None:
        return cached(request, "search-vocabulary", build=load_vocabulary)
    now = time.monotonic()
    if _fallback.get("until", 0) < now:
        _fallback.update(words=load_vocabulary(), until=now + VOCABULARY_FALLBACK_SECONDS)
    return _fallback["words"]


def suggest(raw: str, *, request=None) -> str | None:
    """A corrected query built from the catalogue's words, or None when nothing is misspelt."""
    from rapidfuzz import fuzz, process

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
