"""Small builders with sensible defaults: tests say only what matters to them."""

from __future__ import annotations

import datetime
import itertools

from django.utils.text import slugify

from programmes.models import Guide, Nation, Programme, Status, Topic, University

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
