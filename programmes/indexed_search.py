"""A search's count, facets and ranked page from the stored catalogue index, not SQL over its
matches.

A broad search matches most of the catalogue: at 20,000 programmes "health data" matches
13,000. Counting those in SQL meant one pass over them per figure (the count and the facts not
recorded, each facet, the rank's sort), each pass asking the search index again, so a search
cost three times the list. Here the index is asked once for the matching ids, and everything
else comes from ``counts.CatalogueIndex`` (per published programme: university, topics, facts
not recorded, title order), kept in step with the catalogue like the list's stored counts and
never read while a write is pending (``counts.read_index``).

The ranked page needs which parts of each entry the words match (``backends/base.score_sql``).
Those sets nest (the phrase in the title, then every word in the title, in the title or
university and topics, in those or the summary), so the best ``stop`` programmes are found
from the narrowest sets that hold ``stop`` of them: a broad search never asks which of its
matches match in the summary. The order is the SQL one exactly: score, then title, then id.

Only lists the index answers: a search with place filters and at most one topic (the filters
the stored counts answer, ``ProgrammeFilter.counts_stored``). Any other filter counts in SQL.
``tests/search/test_indexed_search.py`` checks both ways give the same counts, facets and pages.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice, repeat

from . import search
from .counts import FACTS, CatalogueIndex
from .filters import FACT_FILTERS, ProgrammeFilter
from .search.backends.base import TITLE_SLACK

PLACES = {"nation": "nation", "region": "region", "university": "slug"}


class IndexedSearch:
    """One search of the list (a validated ``filterset`` the index answers) over ``index``."""

    def __init__(
        self,
        index: CatalogueIndex,
        *,
        filterset: ProgrammeFilter | None = None,
        query: search.SearchQuery | None = None,
        ranked: bool = False,
    ):
        """A search ``filterset`` (its query and filters), or ``query`` alone (no filters:
        the site search, which needs no facets). ``ranked``: a ranked page will be asked for
        (where the engine finds the parts the rank needs in the same pass, they come now)."""
        query = filterset.search_query if filterset is not None else query
        assert query is not None  # the caller checked there is a search
        self.query, self.index = query, index
        # Positions matching each part of the query, when found with it (one pass).
        self._parts: dict[str, list[int]] = {}
        # Positions in the index of the published programmes matching (a search of stop
        # words alone has no words to match: it matches nothing).
        self.matched = []
        if query:
            parts = (
                ("title", "title_org", "phrase") if ranked and search.parts_in_one_pass() else ()
            )
            found, *in_parts = search.ids_matching(query, *parts)
            self.matched = index.positions(found)
            self._parts = {
                name: index.positions(ids) for name, ids in zip(parts, in_parts, strict=True)
            }
        self._kept: dict[tuple, list[int]] = {}
        self.chosen: dict[str, set[str]] = {name: set() for name in PLACES}
        self.city, self.topic_profiles = "", None
        self.options: list[dict] = []
        self.topic_slugs: dict[int, str] = {}
        if filterset is None:
            return
        self.options = filterset.university_options
        self.chosen = {name: set(filterset.selected(name)) for name in PLACES}
        self.city = (filterset.form.cleaned_data.get("city") or "") if filterset.is_bound else ""
        self.topic_slugs = {t["pk"]: t["slug"] for t in filterset.topic_options}
        selected = set(filterset.selected("topic"))
        topics = [pk for pk, slug in self.topic_slugs.items() if slug in selected]
        self.topic_profiles = set(index.profiles_with(topics[0])) if topics else None

    @property
    def count(self) -> int:
        """How many published programmes match (and pass the filters)."""
        return len(self.kept())

    def _universities(self, without: str) -> frozenset[int] | None:
        """The universities every place filter but ``without`` allows (None: no such filter)."""
        chosen = {f: values for f, values in self.chosen.items() if values and f != without}
        city = self.city if without != "city" else ""
        if not chosen and not city:
            return None
        return frozenset(
            u["pk"]
            for u in self.options
            if all(u.get(PLACES[f]) in values for f, values in chosen.items())
            and (not city or u["city"] == city)
        )

    def kept(self, without: str = "", among: list[int] | None = None) -> list[int]:
        """Positions of the matches (or of ``among``) that pass every filter but ``without``."""
        allowed = self._universities(without)
        topic = self.topic_profiles if without != "topic" else None
        key = (allowed, topic is not None)
        if among is None and key in self._kept:
            return self._kept[key]
        kept = self.matched if among is None else among
        if allowed is not None:
            university = self.index.university
            kept = [p for p in kept if university[p] in allowed]
        if topic is not None:
            profile = self.index.profile
            kept = [p for p in kept if profile[p] in topic]
        if among is None:
            self._kept[key] = kept
        return kept

    def counted(self) -> tuple[int, int, dict[str, dict[str, int]]]:
        """What ``selectors.counted`` gives: the count, 0 kept in sight (no fact filter here)
        and the facet counts, each over every filter but its own."""
        index, kept = self.index, self.kept()
        flags = Counter(map(index.flags.__getitem__, kept))
        not_recorded = {
            name: sum(n for bits, n in flags.items() if bits >> FACTS.index(fact.fact) & 1)
            for name, fact in FACT_FILTERS.items()
        }
        per_university: dict[int, Counter] = {}

        def by_university(without: str) -> Counter:
            rows = self.kept(without)
            if id(rows) not in per_university:
                per_university[id(rows)] = Counter(map(index.university.__getitem__, rows))
            return per_university[id(rows)]

        universities = {u["pk"]: u for u in self.options}

        def by(facet: str) -> dict[str, int]:
            totals: dict[str, int] = {}
            for pk, n in by_university(facet).items():
                key = universities[pk].get(PLACES[facet], "") if pk in universities else ""
                if key:
                    totals[key] = totals.get(key, 0) + n
            return totals

        # Per set of topics, then per topic: the sets holding it (no loop over programmes).
        per_profile = dict(Counter(map(index.profile.__getitem__, self.kept("topic"))))
        topics = {}
        for t, pk in enumerate(index.topic_ids):
            holding = index.topic_profiles[index.topic_start[t] : index.topic_start[t + 1]]
            n = sum(map(per_profile.get, holding, repeat(0)))
            if n and pk in self.topic_slugs:
                topics[self.topic_slugs[pk]] = n
        facets = {facet: by(facet) for facet in PLACES}
        facets["topic"] = topics
        facets["not_recorded"] = not_recorded | {"all": len(kept)}
        return len(kept), 0, facets

    def _filtered(self) -> bool:
        return self.kept() is not self.matched

    def page(self, start: int, stop: int) -> list[int]:
        """Programme ids of the ranked matches ``start:stop``, best first: by score, then in
        ``index.order`` (shorter titles first, then title and id), as the SQL sort."""
        if not self.kept():
            return []
        index = self.index

        def part(name: str) -> set[int]:
            found = self._parts.get(name)
            if found is None:
                (ids,) = search.ids_matching(self.query, name, with_whole=False)
                found = index.positions(ids)
            return set(self.kept(among=found) if self._filtered() else found)

        # The words as typed in the title are every word in the title: no need to ask for the
        # phrase when no title has every word.
        title = part("title")
        phrase = part("phrase") if title else set()
        title_org = part("title_org")
        # Every word in the title is also in the title or university (the second set holds the
        # first), and in those or the summary: such programmes score at least 2.5, the phrase
        # in the title at least 2, any other in ``title_org`` 1.5, a summary match 0.5, the
        # rest 0. The summary's set is asked for only when those sets hold too few.
        first = phrase | title
        rest = title_org - first
        summary = None
        if phrase - title or len(first) + len(rest) < stop:
            summary = part("title_org_summary")
        short = self.query.typed_length + TITLE_SLACK
        length = index.title_length

        def score(p: int) -> float:
            units = (1 + (length[p] <= short)) if p in phrase else 0
            units += (p in title) + (p in title_org)
            return units + 0.5 * (summary is None or p in summary)

        # In title order (walking ``order``), then by score: a stable sort keeps title order
        # within a score.
        best: list[int] = []
        if first:
            best = sorted(filter(first.__contains__, index.order), key=lambda p: -score(p))
            best = best[:stop]
        tiers = [rest]
        if summary is not None:
            tiers += [summary - first - rest, set(self.kept()) - summary - first - rest]
        for tier in tiers:
            if len(best) >= stop:
                break
            # The tier's best, walking every programme in title order (C speed, no sort).
            best += islice(filter(tier.__contains__, index.order), stop - len(best))
        return [index.ids[p] for p in best[start:stop]]
