from django.contrib import admin

from .forms import ProgrammeAdminForm
from .models import Programme, Topic, University


@admin.register(University)
class UniversityAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "nation"]
    list_filter = ["nation"]
    search_fields = ["name", "short_name", "city"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = ProgrammeAdminForm
    list_display = ["title", "award", "university", "status", "fee_home", "last_verified"]
    list_filter = ["status", "award", "university__nation"]
    list_select_related = ["university"]
    search_fields = ["title", "university__name"]
    autocomplete_fields = ["university", "topics"]
    prepopulated_fields = {"slug": ["title"]}
