"""Guide bodies: Markdown rendered once, then sanitised with an allow-list (nh3).

Editors write Markdown; whatever they paste (script tags, event handlers, javascript: or data:
URLs, inline styles, iframes) comes out inert. Headings get ids so they can be linked, and a
table of contents is built from them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul", "nav",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
}
# Only these classes survive (the TOC wrapper); anything else an editor writes is dropped.
ALLOWED_CLASSES = {"div": {"toc"}, "nav": {"toc"}}
URL_SCHEMES = {"http", "https", "mailto"}
WORDS_PER_MINUTE = 200
TOC_MIN_HEADINGS = 3


@dataclass
class Rendered:
    html: str
    toc_html: str
    reading_minutes: int
    heading_count: int


def _heading_id(value: str, separator: str) -> str:
    # Prefixed so an editor's heading can never reuse an id the page layout depends on ("main").
    from markdown.extensions.toc import slugify_unicode

    return "section-" + (slugify_unicode(value, separator) or "part")


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


_TOP_HEADING = re.compile(r"<h1[\s>]")


def _converter(baselevel: int) -> md.Markdown:
    return md.Markdown(
        extensions=["toc", "tables", "sane_lists", "fenced_code"],
        extension_configs={
            "toc": {
                "toc_depth": "2-3",
                "permalink": False,
                "slugify": _heading_id,
                "baselevel": baselevel,
            }
        },
        output_format="html",
    )


def render(body: str) -> Rendered:
    """Sanitised HTML, the table of contents and reading time of a guide's Markdown.

    The page's title is its only h1, so an editor's ``#`` headings are shifted down one level
    (``#`` becomes h2, ``##`` h3...) and kept, in the table of contents too. A body whose
    top headings are ``##`` is left as it is, so headings never skip a level.
    """
    converter = _converter(1)
    # Markdown passes raw HTML through; the sanitiser below removes what is not allowed.
    html = converter.convert(body or "")
    if _TOP_HEADING.search(html):
        converter = _converter(2)
        html = converter.convert(body or "")
    toc_tokens = getattr(converter, "toc_tokens", [])
    headings = sum(1 + len(t.get("children", [])) for t in toc_tokens)
    toc = getattr(converter, "toc", "") if len(toc_tokens) >= TOC_MIN_HEADINGS else ""
    return Rendered(
        html=_sanitise(html),
        toc_html=_sanitise(toc),
        reading_minutes=reading_minutes(body),
        heading_count=headings,
    )


def reading_minutes(body: str) -> int:
    words = len(re.findall(r"\w+", body or ""))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
