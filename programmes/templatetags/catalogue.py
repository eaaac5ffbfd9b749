"""Template filters that present programme facts honestly: unknown is said, never shown as 0.

A fact we have not recorded reads "Not recorded yet"; given the official course URL, the filters
add "check the official page" with the link. We never say a university does not publish a fact:
we only know that we have not recorded it.
"""

from django import template
from django.utils.html import format_html

from programmes import fees

register = template.Library()

NOT_RECORDED = "Not recorded yet"


def _unknown(official_url: str = ""):
    if official_url:
        return format_html(
            '<span class="unknown">{}: <a href="{}" rel="noopener">check the official page</a>'
            "</span>",
            NOT_RECORDED,
            official_url,
        )
    return format_html('<span class="unknown">{}</span>', NOT_RECORDED)


@register.simple_tag
def not_recorded(official_url=""):
    return _unknown(official_url)


@register.filter
def gbp(value, official_url=""):
    """Whole pounds: 14500 → £14,500. None → "Not recorded yet"."""
    if value is None or value == "":
        return _unknown(official_url)
    return fees.money(int(value))


@register.simple_tag
def fee(programme, kind, link=False):
    """A fee as the source states it ("£15,800 per year (2026/27)"), or "Not recorded yet"."""
    text = fees.fee_text(
        getattr(programme, f"fee_{kind}"), programme.fee_period, programme.fee_year
    )
    if text is None:
        return _unknown(programme.official_page if link else "")
    return text


@register.simple_tag
def course_fee(programme, kind):
    """The same fee on the comparison basis (the whole full-time course), or why it has none."""
    return fees.course_fee(programme, kind)


@register.filter
def months(value, official_url=""):
    if value is None or value == "":
        return _unknown(official_url)
    value = int(value)
    if value % 12 == 0:
        years = value // 12
        return f"{value} months ({years} year{'s' if years != 1 else ''})"
    return f"{value} months"


@register.filter
def fact(value, official_url=""):
    """Any other fact: the value, or "Not recorded yet" when missing."""
    if value is None or value == "" or value == []:
        return _unknown(official_url)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


@register.filter
def yes_unknown(value, official_url=""):
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return _unknown(official_url)


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


@register.filter
def attr_of(programme, kind):
    """``programme|attr_of:"home"``: the fee as stated, to tell it from the whole-course one."""
    return getattr(programme, f"fee_{kind}")
