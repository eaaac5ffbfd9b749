"""What a browser would submit from a form on a page: read from the HTML itself.

Used where a test must go through the real form as rendered (hidden fields included), not the
form object in the template context.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
                return
            self.data.append((name, a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._option is not None:
            if self._option["value"] is None:
                self._option["value"] = self._option["text"].strip()
            self._select["options"].append(self._option)
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [o for o in self._select["options"] if o["selected"]]
            if not chosen and not self._select["multiple"] and self._select["options"]:
                chosen = self._select["options"][:1]
            for option in chosen:
                self.data.append((self._select["name"], option["value"]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            self.data.append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_data(html: str, form_id: str) -> dict[str, list[str] | str]:
    """The name → value(s) a browser would post from the form with this id."""
    reader = _FormReader(form_id)
    reader.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in reader.data:
        out.setdefault(name, []).append(value)
    if not out:
        raise AssertionError(f"no form with id {form_id!r}, or it has no fields")
    return {k: v if len(v) > 1 else v[0] for k, v in out.items()}
