"""Form controls written in Python: the list page's filters, without the form renderer.

``{{ form.x.as_field_group }}`` renders a label, help text, errors and the widget through four
or five templates per field; the list page has ten such fields, and they were a quarter of its
cold render time. ``{% field_group form.x %}`` writes the same markup (label, ``helptext``,
``errorlist``, the widget with its ``aria-describedby`` and ``aria-invalid``) directly, for the
two widget kinds the filters use, text inputs and selects; any other widget falls back to
Django's rendering.
"""

from __future__ import annotations

from django import forms, template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _attrs(attrs: dict) -> SafeString:
    """HTML attributes as Django's widgets write them: True bare, False and None left out."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(format_html(" {}", name))
        elif value is not False and value is not None:
            out.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped by format_html


def _widget(field: forms.BoundField, widget: forms.Widget) -> SafeString:
    attrs = {**widget.attrs, **field.build_widget_attrs({}, widget)}
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    value = field.value()
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (v, mark_safe(" selected") if str(v) == chosen else "", label)
                for v, label in field.field.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', field.html_name, _attrs(attrs), options
        )
    shown = widget.format_value(value)
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        field.html_name,
        format_html(' value="{}"', shown) if shown is not None else "",
        _attrs(attrs),
    )


@register.simple_tag
def field_group(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if not isinstance(widget, forms.Select | forms.TextInput) or isinstance(
        widget, forms.SelectMultiple
    ):
        return field.as_field_group()
    label = conditional_escape(field.label)
    suffix = field.form.label_suffix if field.label and field.label[-1] not in ":?.!" else ""
    parts = [format_html('<label for="{}">{}{}</label>', field.id_for_label, label, suffix)]
    if field.help_text:
        parts.append(
            format_html(
                '<div class="helptext" id="{}_helptext">{}</div>', field.auto_id, field.help_text
            )
        )
    if field.errors:
        parts.append(
            format_html(
                '<ul class="errorlist" id="{}_error">{}</ul>',
                field.auto_id,
                format_html_join("", "<li>{}</li>", ((e,) for e in field.errors)),
            )
        )
    parts.append(_widget(field, widget))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part escaped above


@register.simple_tag
def not_recorded_count(counts: dict, name: str) -> SafeString:
    """How many programmes the other filters leave do not record the fact ``name`` filters on:
    shown under that filter so a choice never hides them unannounced."""
    figures = counts.get("not_recorded") or {}
    missing, total = figures.get(name, 0), figures.get("all", 0)
    if not missing:
        return mark_safe("")
    return format_html(
        '<p class="help not-recorded">Not recorded yet for {} of {} programme{}: they stay in '
        "the list, after the matches.</p>",
        missing,
        total,
        "" if total == 1 else "s",
    )
