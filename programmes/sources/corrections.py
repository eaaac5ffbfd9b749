"""Visitors' "Report a correction" form: into the editors' review queue, never onto the page.

A plain POST form (works without JavaScript) behind Django's CSRF protection, with length limits
on every field, a honeypot field that people never see (bots that fill it are thanked and
nothing is stored), and a per-address rate limit kept in the shared cache. A report becomes a
``Suggestion`` marked as a visitor report; only an editor's decision changes the public page.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from portal.proxy import rate_limit_key
from programmes import selectors
from programmes.models import Suggestion, SuggestionField, SuggestionOrigin

from . import services as sources

logger = logging.getLogger(__name__)

HONEYPOT = "website"


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label="Which fact is wrong?",
        choices=[("", "Choose a fact"), *SuggestionField.choices],
    )
    value = forms.CharField(
        label="The correct value",
        max_length=200,
        help_text="As the university states it, e.g. “£12,500 per year for 2026/27” or “6.5”.",
    )
    source_url = forms.URLField(
        label="Where you saw it (web address)",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="The university's page, if you have it.",
    )
    note = forms.CharField(
        label="Anything else editors should know (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = forms.EmailField(
        label="Your email (optional)",
        max_length=254,
        required=False,
        help_text="Only if you would like us to reply. Never shown on the site.",
    )
    # The honeypot: inside a `hidden` block, so people (and screen readers) never meet it.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_value(self):
        value = self.cleaned_data["value"].strip()
        if not value:
            raise forms.ValidationError("Tell us the correct value.")
        return value

    def clean_source_url(self):
        url = self.cleaned_data.get("source_url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Give a web address starting with http:// or https://.")
        return url


def _rate_key(request) -> str:
    return f"corrections:address:{rate_limit_key(request)}"


def _over_limit(request) -> bool:
    """Counts this attempt; True when the address (an IPv6 /64) sent too many reports this
    hour. The count is atomic: Redis's INCR, or a file lock around the file cache's read and
    write (its add and incr alone let two requests both take the last place)."""
    limit = int(settings.CORRECTION_REPORTS_PER_HOUR)
    key = _rate_key(request)
    try:
        with _counting_lock():
            if cache.add(key, 1, timeout=3600):
                return limit < 1
            try:
                return cache.incr(key) > limit
            except ValueError:  # expired between the two calls: this is the first again
                cache.add(key, 1, timeout=3600)
                return limit < 1
    except Exception as exc:  # no cache: take the report rather than refuse everyone
        logger.warning("correction rate limit unavailable: %s", exc)
        return False


@contextlib.contextmanager
def _counting_lock():
    """Serialise counting on a cache whose add/incr are not atomic (the file cache); other
    backends (Redis, local memory) count atomically themselves."""
    backend = caches["default"]
    if not isinstance(backend, FileBasedCache):
        yield
        return
    directory = Path(backend._dir)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "corrections-rate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


THANKS = (
    "Thank you. Your report is with our editors, who will check it against the university's "
    "official page. It does not change the programme's page until an editor has checked it."
)


@never_cache
@csrf_protect
def report_correction(
    request: HttpRequest, university_slug: str, programme_slug: str
) -> HttpResponse:
    programme = selectors.published_programme(
        university_slug=university_slug, programme_slug=programme_slug
    )
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        # Only complete reports count towards the limit: a visitor fixing a typo is not refused.
        if form.is_valid() and _over_limit(request):
            form.add_error(
                None,
                "You have sent several reports in the last hour. Please try again later, or "
                "write to the university's admissions office.",
            )
            status = 429
        elif form.is_valid():
            if form.cleaned_data[HONEYPOT]:
                # A bot: thank it like a person, store nothing.
                messages.success(request, THANKS)
                return redirect(request.path)
            data = form.cleaned_data
            field_name = data["field"]
            Suggestion.objects.create(
                programme=programme,
                field=field_name,
                value=data["value"],
                quote=data["note"] or "(no note)",
                source_url=data["source_url"],
                origin=SuggestionOrigin.VISITOR,
                value_when_made=sources.current_value(programme, field_name)[:500],
                reporter_email=data["email"],
            )
            # Thanked on this (personal) page: public pages show no messages.
            messages.success(request, THANKS)
            return redirect(request.path)
        else:
            status = 400
    else:
        initial = {}
        if request.GET.get("field") in SuggestionField.values:
            initial["field"] = request.GET["field"]
        form = CorrectionForm(initial=initial)
    return render(
        request,
        "programmes/correction_form.html",
        {
            "programme": programme,
            "form": form,
            "crumbs": [
                ("Programmes", reverse("programme_list")),
                (programme.full_title, programme.get_absolute_url()),
                ("Report a correction", None),
            ],
        },
        status=status,
    )
