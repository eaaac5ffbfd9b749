"""Admin pages for the CSV import: upload → dry-run report → confirm (one transaction).

The uploaded file is kept in the database (``CatalogueImport``) between the dry run and the
confirmation, so the confirm step works on any instance behind a load balancer.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import imports
from .models import CatalogueImport


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="The export format (download it from the programme list to start). UTF-8, "
        f"at most {imports.MAX_BYTES // (1024 * 1024)} MB and {imports.MAX_ROWS:,} rows.",
    )


def _require_rights(model_admin, request) -> None:
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied


def upload_view(model_admin, request):
    _require_rights(model_admin, request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import programmes from CSV",
    }
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_BYTES:
                form.add_error("file", "The file is larger than 5 MB.")
            else:
                data = upload.read(imports.MAX_BYTES + 1)
                try:
                    rows = imports.read_csv(data)
                except imports.ImportFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    batch = CatalogueImport.objects.create(
                        user=request.user,
                        filename=upload.name[:200],
                        content=data.decode("utf-8-sig"),
                        sha256=hashlib.sha256(data).hexdigest(),
                        row_count=len(rows),
                    )
                    return redirect(
                        reverse("admin:programmes_programme_import_review", args=[batch.pk])
                    )
    else:
        form = UploadForm()
    context["form"] = form
    return TemplateResponse(request, "admin/programmes/import_upload.html", context)


def review_view(model_admin, request, batch_id: int):
    _require_rights(model_admin, request)
    batch = get_object_or_404(CatalogueImport, pk=batch_id, user=request.user)
    rows = imports.read_csv(batch.content.encode("utf-8"))
    if request.method == "POST" and batch.status == CatalogueImport.PENDING:
        try:
            plan = imports.apply_import(
                rows,
                user=request.user,
                overwrite_conflicts=request.POST.get("overwrite_conflicts") == "1",
            )
        except imports.ImportFileError as exc:
            messages.error(request, f"Nothing was imported: {exc}")
        else:
            batch.status = CatalogueImport.APPLIED
            batch.summary = (
                f"{plan.count('create')} created, {plan.count('update')} updated, "
                f"{plan.count('unchanged')} unchanged"
            )
            if plan.count("conflict"):
                batch.summary += (
                    f", {plan.count('conflict')} not written (changed since the export)"
                )
            batch.save(update_fields=["status", "summary"])
            messages.success(request, f"Import applied: {batch.summary}.")
            return redirect("admin:programmes_programme_changelist")
    plan = imports.plan_import(rows)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Check the import before applying it",
        "batch": batch,
        "plan": plan,
        "counts": {
            a: plan.count(a) for a in ("create", "update", "unchanged", "conflict", "error")
        },
    }
    return TemplateResponse(request, "admin/programmes/import_review.html", context)
