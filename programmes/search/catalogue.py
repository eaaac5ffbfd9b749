"""Search applied to the catalogue's querysets: the one entry point the list's ``q`` filter,
the site search and the staff export use."""

from __future__ import annotations

from django.db.models import FloatField, QuerySet, Value
from django.http import HttpRequest

from programmes.models import Programme

from .expressions import SearchScore, matching_ids
from .query import SearchQuery, parse, synonyms


def search_programmes(
    *,
    query: str | SearchQuery,
    queryset: QuerySet[Programme] | None = None,
    ranked: bool = True,
    request: HttpRequest | None = None,
) -> QuerySet[Programme]:
    """Programmes matching ``query``; ``ranked`` also annotates ``search_rank`` (higher is
    more relevant) for ordering.

    ``query`` is what the visitor typed (parsed here, synonyms expanded) or an already parsed
    ``SearchQuery``. A query with no searchable word matches nothing. The match is an
    ``id IN (index lookup)`` condition, so any other filter, count or facet combines with it
    cheaply; the rank asks the index once per part matched, so only the query that sorts asks
    for it.
    """
    if queryset is None:
        queryset = Programme.objects.published()
    if not isinstance(query, SearchQuery):
        query = parse(query, synonyms(request))
    if ranked:
        return rank_search(queryset, query)
    return queryset.filter(pk__in=matching_ids(query)) if query else queryset.none()


def rank_search(queryset: QuerySet[Programme], query: SearchQuery) -> QuerySet[Programme]:
    """``queryset`` narrowed to the programmes matching ``query`` and annotated with
    ``search_rank``. A query without words matches nothing."""
    if not query:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    # The same id IN (index lookup) as an unranked search: no join to the index (reading a
    # programme id out of FTS5 loads the whole entry), and the score asks the index per part.
    return queryset.filter(pk__in=matching_ids(query)).annotate(search_rank=SearchScore(query))
