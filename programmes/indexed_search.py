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

The matches are numpy arrays of positions in the index (``counts.IndexArrays``), and each set a
rank or facet needs is a mask over the positions: counting 13,000 matches per university, per
set of topics and per fact not recorded, and walking the title order for a page, are a few
vectorised steps (a Python loop over the matches took 5 ms of a 48 ms page).
"""

from __future__ import annotations

import numpy as np

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
        self.query, self.index, self.arrays = query, index, index.arrays
        # Positions matching each part of the query, when found with it (one pass).
        self._parts: dict[str, np.ndarray] = {}
        # Positions in the index of the published programmes matching (a search of stop
        # words alone has no words to match: it matches nothing).
        self.matched: np.ndarray = np.empty(0, dtype=np.intp)
        if query:
            parts = (
                ("title", "title_org", "phrase") if ranked and search.parts_in_one_pass() else ()
            )
            found, *in_parts = search.ids_matching(query, *parts)
            self.matched = index.positions(found)
            self._parts = {
                name: index.positions(ids) for name, ids in zip(parts, in_parts, strict=True)
            }
        self._kept: dict[tuple, np.ndarray] = {}
        self.chosen: dict[str, set[str]] = {name: set() for name in PLACES}
        self.city = ""
        self.topic_mask: np.ndarray | None = None  # per set of topics: holds the chosen topic
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
        if topics:
            self.topic_mask = np.zeros(self.arrays.profiles, dtype=bool)
            self.topic_mask[list(index.profiles_with(topics[0]))] = True

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

    def kept(self, without: str = "") -> np.ndarray:
        """Positions of the matches that pass every filter but ``without``."""
        allowed = self._universities(without)
        topic = self.topic_mask if without != "topic" else None
        key = (allowed, topic is not None)
        if key in self._kept:
            return self._kept[key]
        arrays, kept = self.arrays, self.matched
        if allowed is not None:
            allowed_numbers = np.isin(arrays.universities, list(allowed))
            kept = kept[allowed_numbers[arrays.university[kept]]]
        if topic is not None:
            kept = kept[topic[arrays.profile[kept]]]
        self._kept[key] = kept
        return kept

    def counted(self) -> tuple[int, int, dict[str, dict[str, int]]]:
        """What ``selectors.counted`` gives: the count, 0 kept in sight (no fact filter here)
        and the facet counts, each over every filter but its own."""
        index, arrays, kept = self.index, self.arrays, self.kept()
        flags = arrays.flags[kept]
        not_recorded = {
            name: int(np.count_nonzero(flags & (1 << FACTS.index(fact.fact))))
            for name, fact in FACT_FILTERS.items()
        }
        per_university: dict[int, dict[int, int]] = {}

        def by_university(without: str) -> dict[int, int]:
            rows = self.kept(without)
            if id(rows) not in per_university:
                counted = np.bincount(arrays.university[rows], minlength=len(arrays.universities))
                held = np.flatnonzero(counted)
                per_university[id(rows)] = dict(
                    zip(arrays.universities[held].tolist(), counted[held].tolist(), strict=True)
                )
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
        per_profile = np.bincount(arrays.profile[self.kept("topic")], minlength=arrays.profiles)
        topics = {}
        for t, pk in enumerate(index.topic_ids):
            holding = index.topic_profiles[index.topic_start[t] : index.topic_start[t + 1]]
            n = int(per_profile[list(holding)].sum())
            if n and pk in self.topic_slugs:
                topics[self.topic_slugs[pk]] = n
        facets = {facet: by(facet) for facet in PLACES}
        facets["topic"] = topics
        facets["not_recorded"] = not_recorded | {"all": len(kept)}
        return len(kept), 0, facets

    def _mask(self, positions: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.arrays.ids), dtype=bool)
        mask[positions] = True
        return mask

    def page(self, start: int, stop: int) -> list[int]:
        """Programme ids of the ranked matches ``start:stop``, best first: by score, then in
        ``index.order`` (shorter titles first, then title and id), as the SQL sort."""
        kept = self.kept()
        if not len(kept):
            return []
        arrays = self.arrays
        # Filtered: each part's matches are kept only where they pass the filters.
        kept_mask = self._mask(kept)
        filtered = kept is not self.matched

        def part(name: str) -> np.ndarray:
            found = self._parts.get(name)
            if found is None:
                (ids,) = search.ids_matching(self.query, name, with_whole=False)
                found = self.index.positions(ids)
            mask = self._mask(found)
            return mask & kept_mask if filtered else mask

        # The words as typed in the title are every word in the title: no need to ask for the
        # phrase when no title has every word.
        title = part("title")
        phrase = part("phrase") if title.any() else np.zeros_like(title)
        title_org = part("title_org")
        # Every word in the title is also in the title or university (the second set holds the
        # first), and in those or the summary: such programmes score at least 2.5, the phrase
        # in the title at least 2, any other in ``title_org`` 1.5, a summary match 0.5, the
        # rest 0. The summary's set is asked for only when those sets hold too few.
        first = phrase | title
        rest = title_org & ~first
        summary = None
        if (phrase & ~title).any() or int(np.count_nonzero(first | rest)) < stop:
            summary = part("title_org_summary")
        short = self.query.typed_length + TITLE_SLACK
        order = arrays.order
        best = np.empty(0, dtype=np.intp)
        if first.any():
            # In title order, then by score: a stable sort keeps title order within a score.
            chosen = order[first[order]]
            units = np.where(phrase[chosen], 1 + (arrays.title_length[chosen] <= short), 0)
            units = units + title[chosen] + title_org[chosen]
            in_summary = summary[chosen] if summary is not None else True
            score = units + 0.5 * in_summary
            best = chosen[np.argsort(-score, kind="stable")][:stop]
        tiers = [rest]
        if summary is not None:
            tiers += [summary & ~first & ~rest, kept_mask & ~summary & ~first & ~rest]
        for tier in tiers:
            if len(best) >= stop:
                break
            # The tier's best: its programmes in title order.
            best = np.concatenate([best, order[tier[order]][: stop - len(best)]])
        return arrays.ids[best[start:stop]].tolist()
