"""Small builders with sensible defaults: tests say only what matters to them."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import itertools
import re
import socket
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.text import slugify

from programmes.exports import IMPORT_COLUMNS
from programmes.models import Guide, Nation, Programme, Status, Topic, University
from tests.pages_server import Page

_seq = itertools.count(1)


def make_university(**overrides) -> University:
    n = next(_seq)
    name = overrides.pop("name", f"University of Testshire {n}")
    values = {
        "name": name,
        "slug": slugify(name),
        "city": "Testford",
        "nation": Nation.ENGLAND,
        "website": "https://www.example.ac.uk",
    }
    values.update(overrides)
    return University.objects.create(**values)


def make_topic(**overrides) -> Topic:
    n = next(_seq)
    name = overrides.pop("name", f"Topic {n}")
    values = {"name": name, "slug": slugify(name)}
    values.update(overrides)
    return Topic.objects.create(**values)


def make_programme(*, topics=(), **overrides) -> Programme:
    n = next(_seq)
    title = overrides.pop("title", f"Health Data Science {n}")
    if "university" not in overrides:
        overrides["university"] = make_university()
    values = {
        "title": title,
        "slug": slugify(title),
        "status": Status.PUBLISHED,
        "official_url": "https://www.example.ac.uk/course",
        "source_urls": "https://www.example.ac.uk/course",
        "source_refers_to": "2025/26 entry",
    }
    values.update(overrides)
    programme = Programme.objects.create(**values)
    if topics:
        programme.topics.set(topics)
    return programme


def make_guide(*, topics=(), programmes=(), universities=(), **overrides) -> Guide:
    """A published guide, its body rendered as the admin renders it, with its links set."""
    n = next(_seq)
    title = overrides.pop("title", f"Guide {n}")
    values = {
        "title": title,
        "slug": slugify(title),
        "summary": "How to choose.",
        "body": "Read the official page.\n",
        "status": Status.PUBLISHED,
        "published_at": datetime.date(2026, 1, 5),
    }
    values.update(overrides)
    guide = Guide(**values)
    guide.render_body()
    guide.save()
    guide.topics.set(topics)
    guide.programmes.set(programmes)
    guide.universities.set(universities)
    return guide


# ----- shared by several test areas: admin forms, pages to read, the shortlist, CSV, HTML


def _add_form_data(data: dict, form) -> None:
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field, forms.NullBooleanField):
            data[key] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[key] = [str(item) for item in value or []]
        else:
            data[key] = "" if value is None else str(value)


def admin_form_data(response, **changes) -> dict:
    """What a browser would post back from an admin add/change page, with ``changes`` applied."""
    assert response.status_code == 200
    data: dict = {}
    _add_form_data(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_form_data(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form_data(data, form)
    data.update(changes)
    return data


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


COURSE = """<html><body><main><h1>MSc Health Data Science</h1>
<h2>Tuition fees 2026/27</h2>
<table><tr><th>Fee status</th><th>Full-time</th><th>Part-time</th></tr>
<tr><td>Home</td><td>£{home}</td><td>£6,000</td></tr>
<tr><td>International</td><td>£31,500</td><td>£15,750</td></tr></table>
<h2>Entry requirements</h2>
<p>IELTS 6.5 overall.</p>
</main></body></html>"""


def course_page(home="12,000", etag='"v1"') -> Page:
    return Page(COURSE.format(home=home), etag=etag)


def run_command(name: str, *args) -> str:
    """A management command's output (``run_command("check_sources", "--programme", "3")``)."""
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


BACKENDS = {
    "production": "portal.redis_cache.RedisCache",
    "django": "django.core.cache.backends.redis.RedisCache",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache(port: int, backend: str = BACKENDS["production"], **options) -> dict:
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **options},
        }
    }


def shortlisted(client) -> list[int]:
    """The ids in the visitor's shortlist, as /compare/ reads them (it redirects to ?p=…)."""
    response = client.get("/compare/")
    if response.status_code == 200:
        return []  # nothing saved: the empty comparison page
    assert response.status_code == 302
    ids = parse_qs(urlsplit(response["Location"]).query)["p"]
    assert client.get(response["Location"]).status_code == 200
    return [int(i) for i in ids]


def add_to_shortlist(client, programme):
    return client.post("/shortlist/add/", {"programme": programme.pk, "next": "/programmes/"})


GOOD_CORRECTION = {
    "field": "fee_home_gbp",
    "value": "£12,500 per year for 2026/27",
    "source_url": "https://www.example.ac.uk/fees",
    "note": "The fees page was updated in November.",
    "email": "student@example.com",
    "website": "",
}


def correction_form_url(programme) -> str:
    return reverse("programme_correction", args=[programme.university.slug, programme.slug])


def to_csv(rows: list[dict], header=IMPORT_COLUMNS, bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def good_row(uni_slug="uni", slug="p", **overrides) -> dict:
    row = {
        "university_slug": uni_slug,
        "programme_slug": slug,
        "status": "published",
        "title": "Clinical AI",
        "award": "MSc",
        "modes": "full-time",
        "fee_home_gbp": "9000",
        "official_course_url": "https://example.ac.uk/c",
    }
    row.update(overrides)
    return row


def upload(client, data: bytes, name="programmes.csv"):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post("/admin/programmes/programme/import/", {"file": file})


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _TagBalance(HTMLParser):
    """Every element closed, in order; no stray end tags, duplicate ids or duplicate attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.ids: set[str] = set()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self._attrs(tag, attrs)
        if tag not in VOID and not self._in_foreign():
            self.problems.append(f"<{tag}/> self-closed at {self.getpos()}")

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"end tag </{tag}> for a void element at {self.getpos()}")
        elif not self.stack or self.stack[-1][0] != tag:
            open_tag = self.stack[-1] if self.stack else None
            self.problems.append(f"</{tag}> at {self.getpos()} closes {open_tag}")
        else:
            self.stack.pop()

    def _in_foreign(self) -> bool:
        return any(tag in ("svg", "math") for tag, _ in self.stack)

    def _attrs(self, tag, attrs):
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.problems.append(f"<{tag}> repeats an attribute at {self.getpos()}")
        for name, value in attrs:
            if name == "id":
                if value in self.ids:
                    self.problems.append(f"duplicate id {value!r} at {self.getpos()}")
                self.ids.add(value)


_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


_well_formed_checked: set[bytes] = set()


def assert_well_formed(body: bytes | str) -> None:
    raw = body.encode() if isinstance(body, str) else body
    # Pages differing only in their (per-response) CSRF token are checked once.
    digest = hashlib.blake2b(_CSRF.sub(b"", raw), digest_size=16).digest()
    if digest in _well_formed_checked:
        return
    text = raw.decode("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>"), "no <!doctype html>"
    parser = _TagBalance()
    parser.feed(text)
    parser.close()
    problems = parser.problems + [f"<{tag}> at {pos} never closed" for tag, pos in parser.stack]
    assert not problems, problems[:5]
    _well_formed_checked.add(digest)


# ----- the staff export -------------------------------------------------------------------

EXPORT_URL = "/staff/export/programmes.csv"


def read_export(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


# ----- hostile list addresses and what each should do ---------------------------------------

HOSTILE_QUERIES = [
    "max_fee_home=abc",
    "max_fee_home=-5",
    "max_fee_home=99999999999999999999999999999",
    "max_fee_home=1e10",
    "max_fee_international=NaN",
    "max_duration=0",
    "max_duration=inf",
    "max_ielts=6.3",
    "max_ielts=1e400",
    "university=no-such-university",
    "university=%27%20OR%201%3D1--",
    "topic=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "nation=atlantis",
    "award=PhD",
    "mode=sideways",
    "placement=maybe",
    "start_month=13",
    "start_month=0",
    "sort=password",
    "sort=-pk",
    "q=" + "x" * 5000,
    "q=%00",
    "city=%00",
    "university=%00",
    "q=%ff%fe",
    "q=%E0%A4%A",
    "q=%",
    "page=abc",
    "page=0",
    "page=-1",
    "page=999999",
    "page=99999999999999999999999999",
    "nation=scotland&nation=scotland&nation=scotland",
    "max_fee_home=1&max_fee_home=abc",
    "q=%25%5F%5C",
    "city=" + "a" * 3000,
]


BOTH = ["Highland", "Survivor"]
# What each hostile query must do: the titles listed, and whether the page says a filter was
# not applied. A value the form refuses is ignored (everything listed, the error shown); a
# search for junk text is a real search that finds nothing; a repeated valid value applies once.
SEARCHED_FOR_JUNK = {"q=%ff%fe", "q=%E0%A4%A", "q=%", "q=%25%5F%5C"}
NOT_A_FILTER = {q for q in HOSTILE_QUERIES if q.startswith("page=")}
APPLIED = {"nation=scotland&nation=scotland&nation=scotland": ["Highland"]}


def expected_outcome(query: str) -> tuple[list[str], bool]:
    if query in SEARCHED_FOR_JUNK:
        return [], False
    if query in NOT_A_FILTER:
        return BOTH, False
    if query in APPLIED:
        return APPLIED[query], False
    return BOTH, True  # refused: shown as an error and ignored


def make_user_in(role: str | None, username: str = "edith"):
    """A staff user in a role made by ``setup_roles`` ("Editors", "Staff exporters" or None)."""
    from django.contrib.auth.models import Group, User

    run_command("setup_roles")
    user = User.objects.create_user(username, password="pw", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_editor(username: str = "edith"):
    return make_user_in("Editors", username)
