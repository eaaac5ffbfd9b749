"""Keeping the catalogue true: read official pages, propose facts, let editors decide.

- ``check_pages`` (behind ``manage.py check_sources``) reads each programme's official and
  source URLs with ``programmes.fetch``, stores every read, and turns facts the extractor finds
  into ``Suggestion`` rows. Several runs may go at once, on several machines: each page is
  *claimed* with a lease before it is read (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL,
  then a conditional UPDATE that only one run can win, on every database), and a run only
  claims pages not read since it started, so no page is read twice.
- ``accept`` and ``dismiss`` are the editors' two decisions (the admin calls them). Accepting
  writes the value, the source URL and what it refers to, logs it in the admin log and
  invalidates the public pages' cache (through the programme's save). It refuses to overwrite
  a value that changed since the suggestion was made.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from programmes.models import (
    PAGE_READS_KEPT,
    PAGE_TEXT_MAX,
    PageKind,
    PageRead,
    Programme,
    SourcePage,
    Status,
    Suggestion,
    SuggestionField,
    SuggestionOrigin,
    SuggestionStatus,
)

from ..csv_columns import COLUMNS, CellError
from . import extract, links
from .fetch import Fetcher

logger = logging.getLogger(__name__)
LEASE_SLACK_SECONDS = 60
COLUMN_BY_NAME = {column.name: column for column in COLUMNS}


# ----- programme values as the CSV writes them ---------------------------------------------


def current_value(programme: Programme, field_name: str) -> str:
    """The programme's value for a suggestion field, as the CSV export writes it (the
    suggestion fields are CSV column names; "other" has no value)."""
    column = COLUMN_BY_NAME.get(field_name)
    if column is None or not column.importable:
        return ""
    values = [getattr(programme, name) for name in column.reads]
    if column.write is None:
        return "" if values[0] is None else str(values[0])
    return column.write(*values)


def current_state(programme: Programme, field_name: str) -> str:
    """What a suggestion compares against: the value, and for fees its period and year."""
    value = current_value(programme, field_name)
    if field_name in extract.FEE_FIELDS:
        return f"{value} | {programme.fee_period} | {programme.fee_year}"
    return value


def suggestion_state(suggestion: Suggestion) -> str:
    if suggestion.field in extract.FEE_FIELDS:
        return f"{suggestion.value} | {suggestion.period} | {suggestion.year}"
    return suggestion.value


class InvalidValue(ValueError):
    pass


def apply_value(programme: Programme, suggestion: Suggestion) -> list[str]:
    """Set the suggested value on ``programme`` (not saved); return the model fields changed.

    The value is read as the CSV import reads that column; a fee brings its period and year.
    """
    name, raw = suggestion.field, suggestion.value.strip()
    column = COLUMN_BY_NAME.get(name)
    if column is None or column.read is None:
        raise InvalidValue(f"{suggestion.get_field_display()} cannot be applied automatically")
    try:
        values = column.read(raw)
    except CellError as exc:
        raise InvalidValue(f"{raw[:60]!r} is not a value for {name}: {exc.messages[0]}") from None
    if name in extract.FEE_FIELDS:
        if next(iter(values.values())) is None:
            raise InvalidValue(f"{raw[:60]!r} is not a value for {name}")
        values.update(fee_period=suggestion.period, fee_year=suggestion.year)
    for attr, value in values.items():
        setattr(programme, attr, value)
    return list(values)


# ----- the editors' decisions --------------------------------------------------------------


class Conflict(Exception):
    """The field changed since the suggestion was made; nothing was written."""

    def __init__(self, suggestion: Suggestion, now: str, by: str):
        self.suggestion, self.now, self.by = suggestion, now, by
        super().__init__(
            f"{suggestion.get_field_display()} of {suggestion.programme} changed since this "
            f"was suggested (it was {suggestion.value_when_made or 'empty'}, it is now "
            f"{now or 'empty'}{', changed by ' + by if by else ''}). Nothing was saved."
        )


def _last_editor(programme: Programme) -> str:
    from django.contrib.contenttypes.models import ContentType

    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Programme), object_id=str(programme.pk)
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    return entry.user.get_username() if entry else ""  # type: ignore[attr-defined]


def accept(suggestion: Suggestion, *, user, overwrite: bool = False) -> Programme:
    """Write the suggested value; log it; the public pages follow at once.

    Refuses (``Conflict``) when the field's value changed since the suggestion was made, unless
    ``overwrite`` (the editor saw both values and chose this one). Raises ``InvalidValue`` for a
    visitor's free-text value that does not fit the field.
    """
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != SuggestionStatus.OPEN:
            raise InvalidValue(f"this suggestion is already {suggestion.get_status_display()}")
        programme = Programme.objects.select_for_update().get(pk=suggestion.programme_id)
        now = current_value(programme, suggestion.field)
        if not overwrite and now != suggestion.value_when_made:
            raise Conflict(suggestion, now, _last_editor(programme))
        before = current_state(programme, suggestion.field)
        changed = apply_value(programme, suggestion)
        if suggestion.source_url and suggestion.source_url not in programme.source_url_list:
            programme.source_urls = "\n".join([*programme.source_url_list, suggestion.source_url])
            changed.append("source_urls")
        if suggestion.year:
            programme.source_refers_to = f"{suggestion.year} entry"
            changed.append("source_refers_to")
        # Validate what this decision changes (rules and constraints on those fields); an old
        # problem elsewhere in the row must not block it.
        others = [f.name for f in Programme._meta.concrete_fields if f.name not in changed]
        programme.full_clean(exclude=others, validate_unique=False)
        programme.save()  # post_save invalidates the public cache
        suggestion.status = SuggestionStatus.ACCEPTED
        suggestion.decided_at = timezone.now()
        suggestion.decided_by = user
        suggestion.save(update_fields=["status", "decided_at", "decided_by"])
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[programme],
            action_flag=CHANGE,
            change_message=(
                f"Accepted suggestion #{suggestion.pk} ({suggestion.get_origin_display()}): "
                f"{suggestion.field} {before!r} → {suggestion_state(suggestion)!r}, from "
                f"{suggestion.source_url or 'a visitor report'}"
            )[:2000],
            single_object=True,
        )
    return programme


def dismiss(suggestion: Suggestion, *, user) -> bool:
    """Dismiss for good: the same value from the same page is never proposed again."""
    updated = Suggestion.objects.filter(pk=suggestion.pk, status=SuggestionStatus.OPEN).update(
        status=SuggestionStatus.DISMISSED, decided_at=timezone.now(), decided_by=user
    )
    return bool(updated)


def conflicting_fields(suggestions: list[Suggestion]) -> set[str]:
    """Fields of one programme with open suggestions that cannot all be accepted together.

    Two values for one field conflict, and so do a home and an international fee whose period
    or year differ (the programme records one period and one year for both).
    """
    by_field: dict[str, set[str]] = {}
    for s in suggestions:
        by_field.setdefault(s.field, set()).add(suggestion_state(s))
    bad = {f for f, values in by_field.items() if len(values) > 1}
    fees = [s for s in suggestions if s.field in extract.FEE_FIELDS]
    if len({(s.period, s.year) for s in fees}) > 1:
        bad.update(extract.FEE_FIELDS)
    return bad


# ----- reading pages -----------------------------------------------------------------------


def page_urls(programme: Programme) -> list[tuple[str, str]]:
    urls: list[tuple[str, str]] = []
    if programme.official_url:
        urls.append((programme.official_url.strip(), PageKind.OFFICIAL))
    for url in programme.source_url_list:
        if url not in [u for u, _ in urls]:
            urls.append((url, PageKind.SOURCE))
    return urls


def sync_pages(programmes) -> None:
    """One SourcePage per official and source URL of each programme; drop URLs no longer listed."""
    for programme in programmes:
        wanted = dict(page_urls(programme))
        existing = {p.url: p for p in programme.pages.all()}
        for url, kind in wanted.items():
            if url not in existing:
                try:
                    with transaction.atomic():
                        SourcePage.objects.create(programme=programme, url=url[:500], kind=kind)
                except IntegrityError:
                    pass  # another run created it first
        # A linked page stays while the page that links to it is still listed.
        gone = [
            p.pk
            for url, p in existing.items()
            if url not in wanted and not (p.kind == PageKind.LINKED and p.found_on in wanted)
        ]
        if gone:
            SourcePage.objects.filter(pk__in=gone).delete()


@dataclass
class Summary:
    read: int = 0
    unchanged: int = 0
    changed: int = 0
    failed: Counter = field(default_factory=Counter)
    suggestions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def line(self) -> str:
        failed = sum(self.failed.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.failed.items()))
        return (
            f"{self.read} page(s) read: {self.unchanged} unchanged, {self.changed} changed, "
            f"{failed} failed{f' ({reasons})' if reasons else ''}; "
            f"{self.suggestions} suggestion(s) made."
        )


def _candidates(page_filter: Q, run_started: datetime.datetime):
    now = timezone.now()
    return (
        SourcePage.objects.filter(page_filter)
        .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=run_started))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("last_read_at", "pk")
    )


def claim_next(page_filter: Q, run_started: datetime.datetime, token: str) -> SourcePage | None:
    """Claim one page no other run holds, or None when none is left."""
    lease = datetime.timedelta(
        seconds=float(settings.SOURCE_FETCH_TIMEOUT) * 2 + LEASE_SLACK_SECONDS
    )
    skip_locked = connection.features.has_select_for_update_skip_locked
    for _ in range(20):
        # On SQLite no transaction around the pair: a read that later turns into a write makes
        # concurrent workers fail with "database is locked" instead of waiting. The conditional
        # UPDATE alone is atomic there (SQLite has one writer at a time).
        with transaction.atomic() if skip_locked else nullcontext():
            candidates = _candidates(page_filter, run_started)
            if skip_locked:
                # Rows another run is claiming right now are skipped, not waited for.
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            page = candidates.first()
            if page is None:
                return None
            now = timezone.now()
            # The conditional UPDATE is what makes the claim safe on every database: only one
            # run can move a page from unclaimed (or expired) to claimed.
            won = (
                SourcePage.objects.filter(pk=page.pk)
                .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=run_started))
                .update(claimed_until=now + lease, claimed_by=token)
            )
        if won:
            page.claimed_by = token
            return page
    return None


def _tell_disagreements(
    page: SourcePage, read: PageRead, disagreements: list[extract.Disagreement]
) -> int:
    """Each field on which the page's text and structured data disagree becomes a note in the
    review queue ("Something else"): neither value is proposed, an editor checks the page."""
    made = 0
    for disagreement in disagreements:
        try:
            with transaction.atomic():
                Suggestion.objects.create(
                    programme_id=page.programme_id,
                    field=SuggestionField.OTHER,
                    value=disagreement.describe()[:500],
                    quote=(
                        f"Text: {disagreement.text.quote}\n"
                        f"Structured data: {disagreement.structured.quote}\n"
                        "Neither value was proposed: check the page and edit the programme."
                    ),
                    source_url=page.url,
                    read=read,
                    origin=SuggestionOrigin.PAGE,
                )
        except IntegrityError:
            continue  # said before for this page and these values
        made += 1
    return made


def _suggest(page: SourcePage, read: PageRead, facts: list[extract.Fact]) -> int:
    programme = Programme.objects.get(pk=page.programme_id)
    made = 0
    for fact in facts:
        value = fact.display_value()
        is_fee = fact.field in extract.FEE_FIELDS
        period = (fact.period or "") if is_fee else ""
        year = (fact.year or "") if is_fee else ""
        state = f"{value} | {period} | {year}" if fact.field in extract.FEE_FIELDS else value
        if state == current_state(programme, fact.field):
            continue  # the catalogue already says so
        try:
            with transaction.atomic():
                Suggestion.objects.create(
                    programme=programme,
                    field=fact.field,
                    value=value[:500],
                    period=period,
                    year=year[:20],
                    quote=fact.quote,
                    source_url=page.url,
                    read=read,
                    origin=SuggestionOrigin.PAGE,
                    value_when_made=current_value(programme, fact.field)[:500],
                )
        except IntegrityError:
            continue  # proposed before (open, accepted or dismissed): never again
        made += 1
        # An older open proposal for this field from this page is out of date now.
        Suggestion.objects.open().filter(
            programme=programme, field=fact.field, source_url=page.url, origin="page"
        ).exclude(value=value, period=period, year=year).update(
            status=SuggestionStatus.SUPERSEDED, decided_at=timezone.now()
        )
    return made


def _english_band(page: SourcePage) -> str:
    """The English language band the course page that links here names ("Band C"), from the
    link's words or the course page's last read; "" when it names none."""
    band = extract.english_band_of(page.link_text)
    if band:
        return band
    text = (
        PageRead.objects.filter(page__programme_id=page.programme_id, page__url=page.found_on)
        .exclude(text="")
        .order_by("-read_at", "-pk")
        .values_list("text", flat=True)
        .first()
    )
    return extract.english_band_of(text or "")


# What a linked page (fees, English language, entry requirements, how to apply) can say about
# one programme. Durations, modes, start months and the like on such pages are about courses in
# general ("our masters normally take 12 months"): the course page is where those are read.
LINKED_PAGE_FIELDS = {
    *extract.FEE_FIELDS,
    "ielts_overall",
    "ielts_min_component",
    "applications_open",
    "deadline_home",
    "deadline_international",
}


def _for_this_programme(facts: list[extract.Fact], page: SourcePage, text: str):
    """The facts of a linked page that can be this programme's. A fees page may be a
    faculty-wide schedule: its fee is this programme's only when the page names the programme
    (its title)."""
    facts = [fact for fact in facts if fact.field in LINKED_PAGE_FIELDS]
    title = " ".join(page.programme.title.lower().split())
    if title and title in " ".join(text.lower().split()):
        return facts
    return [fact for fact in facts if fact.field not in extract.FEE_FIELDS]


def add_linked_pages(page: SourcePage, found: list[links.Link]) -> int:
    """The course page's fee, English, entry and how-to-apply links become the programme's
    pages (at most ``links.MAX_LINKED_PAGES``); returns how many were added."""
    already = SourcePage.objects.filter(programme_id=page.programme_id)
    known = set(already.values_list("url", flat=True))
    room = links.MAX_LINKED_PAGES - already.filter(kind=PageKind.LINKED).count()
    added = 0
    for link in found:
        if added >= room:
            break
        if link.url in known:
            continue
        try:
            with transaction.atomic():
                SourcePage.objects.create(
                    programme_id=page.programme_id,
                    url=link.url,
                    kind=PageKind.LINKED,
                    found_on=page.url,
                    link_text=link.text or links.LABELS[link.subject],
                )
        except IntegrityError:
            continue  # another run added it first
        added += 1
    return added


def read_page(page: SourcePage, fetcher: Fetcher) -> PageRead:
    """Read one claimed page, store the read, make suggestions, release the claim."""
    result = fetcher.fetch(page.url, etag=page.etag, last_modified=page.last_modified)
    now = timezone.now()
    read = PageRead(
        page=page,
        read_at=now,
        http_status=result.status,
        final_url=(result.final_url or "")[:500],
        reason=result.reason,
        detail=result.detail[:300],
        etag=result.etag,
        last_modified=result.last_modified,
    )
    facts: list[extract.Fact] = []
    disagreements: list[extract.Disagreement] = []
    if result.ok and not result.not_modified:
        read.content_hash = hashlib.sha256(result.content).hexdigest()
        read.changed = read.content_hash != page.content_hash
        try:
            read.text = extract.page_text(result.text)[:PAGE_TEXT_MAX]
            if read.changed:
                linked = page.kind == PageKind.LINKED
                facts, disagreements = extract.read_page(
                    result.text,
                    english_band=_english_band(page) if linked else "",
                    programme_title=page.programme.title if linked else "",
                    # The programme's own course page: a lone fee without status words is its.
                    one_programme=page.kind == PageKind.OFFICIAL,
                )
                if page.kind == PageKind.LINKED:
                    facts = _for_this_programme(facts, page, read.text)
        except extract.TooSlow as exc:
            logger.warning("extracting facts from %s: %s", page.url, exc)
            read.reason, read.detail, read.changed, facts = "extract-slow", str(exc), False, []
        except Exception:
            # A page the extractor chokes on is a bug to fix, not a reason to stop the run.
            logger.exception("extracting facts from %s failed", page.url)
            read.reason, read.detail, read.changed, facts = (
                "extract-error",
                "see the log",
                False,
                [],
            )
    elif result.not_modified:
        read.content_hash = page.content_hash
    if page.kind == PageKind.OFFICIAL and result.ok and not result.not_modified:
        add_linked_pages(page, links.course_links(result.text, result.final_url or page.url))
    if read.reason:
        result.reason = read.reason  # keep the old hash and validators: the next run retries
    with transaction.atomic():
        read.save()
        read.suggestions_made = _suggest(page, read, facts) if facts else 0
        read.suggestions_made += _tell_disagreements(page, read, disagreements)
        if read.suggestions_made:
            read.save(update_fields=["suggestions_made"])
        updates = {
            "last_read_at": now,
            "last_status": result.status,
            "last_reason": result.reason,
            "claimed_until": None,
            "claimed_by": "",
        }
        if result.ok:
            if result.not_modified:  # a 304 may omit the validators: keep the ones we had
                updates["etag"] = result.etag or page.etag
                updates["last_modified"] = result.last_modified or page.last_modified
            else:
                updates["etag"] = result.etag
                updates["last_modified"] = result.last_modified
            updates["content_hash"] = read.content_hash
            if read.changed:
                updates["changed_at"] = now
        SourcePage.objects.filter(pk=page.pk, claimed_by=page.claimed_by).update(**updates)
        keep = list(page.reads.order_by("-read_at", "-pk").values_list("pk", flat=True))
        if len(keep) > PAGE_READS_KEPT:
            PageRead.objects.filter(pk__in=keep[PAGE_READS_KEPT:]).delete()
    return read


def programmes_to_check(*, include_drafts: bool, ids: list[int] | None):
    queryset = Programme.objects.select_related("university").prefetch_related("pages")
    if ids:
        return queryset.filter(pk__in=ids)
    if include_drafts:
        return queryset.filter(status__in=[Status.PUBLISHED, Status.DRAFT])
    return queryset.filter(status=Status.PUBLISHED)


def check_pages(
    programmes,
    *,
    due_only: bool = False,
    workers: int = 1,
    progress: Callable[[SourcePage, PageRead], None] | None = None,
) -> Summary:
    """Read the pages of ``programmes`` (claimed one at a time) and return the summary."""
    programmes = list(programmes)
    sync_pages(programmes)
    run_started = timezone.now()
    token = uuid.uuid4().hex
    page_filter = Q(programme__in=[p.pk for p in programmes])
    if due_only:
        cutoff = run_started - datetime.timedelta(days=settings.SOURCE_CHECK_DAYS)
        page_filter &= Q(last_read_at__isnull=True) | Q(last_read_at__lt=cutoff)
    summary = Summary()

    def work():
        try:
            with Fetcher() as fetcher:
                while True:
                    page = claim_next(page_filter, run_started, token)
                    if page is None:
                        return
                    read = read_page(page, fetcher)
                    with summary.lock:
                        summary.read += 1
                        if read.reason:
                            summary.failed[read.reason] += 1
                        elif read.changed:
                            summary.changed += 1
                        else:
                            summary.unchanged += 1
                        summary.suggestions += read.suggestions_made
                        if progress:
                            progress(page, read)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    if workers <= 1:
        work()
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(work) for _ in range(workers)]:
                future.result()
    return summary
