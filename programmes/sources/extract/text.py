"""Page text: HTML or plain text as lines, table rows kept as "label | header: cell | ..."."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

MAX_TEXT = 200_000  # characters of page text looked at; course pages are far shorter

_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "footer",
    "iframe",
    "object",
    "button",
    "select",
    "head",
    "-comment",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "header",
    "li",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "details",
    "summary",
    "caption",
    "address",
    "hr",
    "body",
    "html",
    "form",
    "fieldset",
    "dd",
    "dt",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt"}
_SPACE = re.compile(r"\s+")


@dataclass
class Line:
    text: str
    heading: bool = False  # a heading, a term in a definition list or a table caption
    row: bool = False  # a table row, "label | header: cell | ..."
    table_head: bool = False  # a table's header row (kept apart from the heading above)


# A month glued to the label before it in a fact box ("Start dateSeptember 2025").
_GLUED_MONTH = re.compile(
    r"(?<=[a-z])(?=(?:January|February|March|April|June|July|August|September|October|"
    r"November|December)\b)"
)


def clean(text: str) -> str:
    return _GLUED_MONTH.sub(" ", _SPACE.sub(" ", text.replace("\xa0", " "))).strip()


def _cells(row) -> list:
    return [c for c in row.iter() if c.tag in ("th", "td")]


def _table_lines(table) -> list[Line]:
    lines = []
    caption = table.css_first("caption")
    if caption is not None and clean(caption.text()):
        lines.append(Line(clean(caption.text()), heading=True))
    headers: list[str] = []
    for row in table.css("tr"):
        cells = _cells(row)
        if not cells:
            continue
        texts = [clean(c.text(separator=" ")) for c in cells]
        in_head = row.parent is not None and row.parent.tag == "thead"
        if in_head or (all(c.tag == "th" for c in cells) and len(cells) > 1):
            headers = texts
            lines.append(Line(" | ".join(t for t in texts if t), heading=True, table_head=True))
            continue
        parts = [texts[0]]
        for index, text in enumerate(texts[1:], start=1):
            if not text:
                continue
            header = headers[index] if index < len(headers) else ""
            parts.append(f"{header}: {text}" if header else text)
        lines.append(Line(" | ".join(p for p in parts if p), row=True))
    return lines


def _walk(root, lines: list[Line], buffer: list[str]) -> None:
    """Depth-first over the tree with an explicit stack: pages nested thousands of levels deep
    (broken or hostile markup) must not hit Python's recursion limit."""

    def flush(heading=False):
        text = clean("".join(buffer))
        buffer.clear()
        if text:
            lines.append(Line(text, heading=heading))

    _CLOSE = object()
    stack: list = [(child, None) for child in reversed(list(root.iter(include_text=True)))]
    while stack:
        node, marker = stack.pop()
        if marker is _CLOSE:
            flush(heading=node)  # here ``node`` holds whether the closed element was a heading
            continue
        tag = node.tag
        if tag == "-text":
            buffer.append(node.text(deep=False))
            continue
        if tag in _SKIP_TAGS:
            continue
        if tag == "table":
            flush()
            lines.extend(_table_lines(node))
            continue
        if tag == "br":
            flush()
            continue
        children = [(child, None) for child in reversed(list(node.iter(include_text=True)))]
        if tag in _HEADING_TAGS or tag in _BLOCK_TAGS:
            flush()
            stack.append((tag in _HEADING_TAGS, _CLOSE))
        stack.extend(children)
    # Inline text at the end is flushed by the caller.


def _looks_like_html(document: str) -> bool:
    return bool(
        re.search(r"<(html|body|div|p|table|h[1-6]|main|section|ul|dl|span)\b", document, re.I)
    )


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.M)
_PIPE_RULE = re.compile(r"^\s*\|?[\s:|-]*-{3,}[\s:|-]*\|?\s*$")


def plain_to_html(text: str) -> str:
    """Plain text whose tables are written with pipes ("| Home | £12,000 |", a "|---|" rule
    under the header row), as HTML: each line a paragraph, each pipe block a table, so the
    rows are read as rows (stored copies of pages and text exports keep tables this way)."""
    out: list[str] = []
    table: list[list[str]] = []
    header = False

    def close_table():
        nonlocal header
        if table:
            rows = []
            for number, cells in enumerate(table):
                tag = "th" if number == 0 and header else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            out.append("<table>" + "".join(rows) + "</table>")
        table.clear()
        header = False

    for raw in text.splitlines():
        line = html.escape(raw)
        if _PIPE_ROW.match(raw):
            if _PIPE_RULE.match(raw):
                header = len(table) == 1
                continue
            table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        close_table()
        if raw.strip():
            out.append(f"<p>{line}</p>")
    close_table()
    return "<body>" + "".join(out) + "</body>"


def page_lines(document: str) -> list[Line]:
    """The page's main text as lines, tables kept as one line per row."""
    document = document[: MAX_TEXT * 5]
    if not _looks_like_html(document):
        if not _PIPE_ROW.search(document[:MAX_TEXT]):
            return [Line(clean(t)) for t in document[:MAX_TEXT].splitlines() if clean(t)]
        document = plain_to_html(document[:MAX_TEXT])
    tree = LexborHTMLParser(document)
    for selector in ('[role="navigation"]', '[role="contentinfo"]', '[aria-hidden="true"]'):
        for node in tree.css(selector):
            node.decompose()
    root = tree.body or tree.root
    lines: list[Line] = []
    buffer: list[str] = []
    if root is not None:
        _walk(root, lines, buffer)
        text = clean("".join(buffer))
        if text:
            lines.append(Line(text))
    total, kept = 0, []
    for line in lines:
        total += len(line.text)
        if total > MAX_TEXT:
            break
        kept.append(line)
    return kept


def page_text(document: str) -> str:
    """The text of the page as the extractor reads it (stored with each read)."""
    return "\n".join(line.text for line in page_lines(document))
