"""Full-text search over programmes: one interface over SQLite FTS5 and PostgreSQL.

Modules, in the direction they depend on each other: ``text`` (words, folding, stop words) ->
``query`` (parsing, synonyms, ``SearchQuery``) -> ``backends/`` (one module per engine, chosen
by the connection's vendor) -> ``expressions`` (the ORM's matching ids and score) -> ``catalogue``
(search applied to programme querysets) ; ``index`` (the index table kept in step with
writes) and ``suggest`` ("Did you mean …?") beside them. This package imports models; models
never import it.

The index is one table, ``programmes_search``, keyed by the programme id, created by
migration 0007 in the form each database needs (the model ``ProgrammeSearch`` lets the ORM join
it):

- SQLite: an FTS5 virtual table with four searched columns (title; university, short name,
  city, award, modes and topics; summary; description) and the programme id, tokenised with
  ``porter unicode61 remove_diacritics 2``.
- PostgreSQL: a stored ``tsvector`` (the same four parts as weights A–D, ``unaccent`` then the
  ``english`` configuration) under a GIN index.

Both rank the same way (``backends/base.score_sql``): by which parts every word matches in
(the title as typed, the title, the university and topics, the summary), then shorter titles.

What the visitor typed never reaches either engine as syntax. ``parse`` keeps only runs of
letters and digits (accents folded, apostrophes dropped, stop words removed, at most
``MAX_QUERY_TERMS``), expands synonyms (topics' "also known as" terms, search synonyms, and
university short names), and ``SearchQuery.fts5()`` / ``.tsquery()`` build the engine's query
from those words alone: every word must match (or one of its synonyms), the last word also
matches as a prefix when it has three letters or more.

The index is kept in step with every write (``index``):
signal receivers for saves and topic changes made through the ORM (admin, CSV import,
load_catalogue, a shell session), Django's cascade for deletes, and explicit calls from code that
writes with ``bulk_create``/``bulk_update`` (seed_synthetic, the admin's bulk actions).
``manage.py rebuild_search_index`` rebuilds it from scratch.
"""

from .catalogue import rank_search, search_programmes
from .expressions import PARTS, SearchScore, ids_matching, matching_ids, parts_in_one_pass
from .index import connect_indexing, index_programmes, indexing_deferred, rebuild_index
from .query import SearchQuery, Synonyms, load_synonyms, parse, split_terms, synonyms, text_matches
from .suggest import suggest
from .text import MAX_QUERY_TERMS, STOP_WORDS, fold, key_words, words
from .understand import Understood, Vocabulary, load_vocabulary, understand

__all__ = [
    "Understood",
    "Vocabulary",
    "load_vocabulary",
    "understand",
    "MAX_QUERY_TERMS",
    "STOP_WORDS",
    "SearchQuery",
    "SearchScore",
    "Synonyms",
    "connect_indexing",
    "fold",
    "index_programmes",
    "indexing_deferred",
    "key_words",
    "load_synonyms",
    "ids_matching",
    "matching_ids",
    "PARTS",
    "parts_in_one_pass",
    "parse",
    "rank_search",
    "rebuild_index",
    "search_programmes",
    "split_terms",
    "suggest",
    "synonyms",
    "text_matches",
    "words",
]
