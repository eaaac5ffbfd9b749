"""Template filters that present programme facts honestly: unknown is said, never shown as 0."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html

register = template.Library()

NOT_PUBLISHED = "not published by the university"


def _unknown():
    return format_html('<span class="unknown">{}</span>', NOT_PUBLISHED)


@register.filter
def gbp(value):
    """Whole pounds: 14500 → £14,500. None → "not published by the university"."""
    if value is None or value == "":
        return _unknown()
    return f"£{intcomma(int(value))}"


@register.filter
def months(value):
    if value is None or value == "":
        return _unknown()
    value = int(value)
    if value % 12 == 0:
        years = value // 12
        return f"{value} months ({years} year{'s' if years != 1 else ''})"
    return f"{value} months"


@register.filter
def fact(value):
    """Any other fact: the value, or the honest 'not published' phrase when missing."""
    if value is None or value == "" or value == []:
        return _unknown()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


@register.filter
def yes_unknown(value):
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return _unknown()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current list URL with only the page number changed."""
    query = context.get("query_without_page", "")
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.filter
def get_count(counts, key):
    return counts.get(key, 0)


@register.filter
def in_list(value, items):
    return value in items
