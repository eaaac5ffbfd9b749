"""The public URL map. Every public page is listed here."""

from django.urls import path

from . import views
from .feeds import GuidesFeed
from .sources import corrections

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/universities/", views.programme_universities, name="programme_universities"),
    path("search/", views.site_search, name="site_search"),
    path(
        "programmes/<slug:university_slug>/<slug:programme_slug>/",
        views.programme_detail,
        name="programme_detail",
    ),
    path(
        "programmes/<slug:university_slug>/<slug:programme_slug>/deadlines.ics",
        views.programme_calendar,
        name="programme_calendar",
    ),
    path(
        "programmes/<slug:university_slug>/<slug:programme_slug>/correction/",
        corrections.report_correction,
        name="programme_correction",
    ),
    path("universities/", views.university_list, name="university_list"),
    path("universities/<slug:slug>/", views.university_detail, name="university_detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("about/data/", views.about_data, name="about_data"),
    path("funding/", views.funding, name="funding"),
    path("guides/", views.guide_list, name="guide_list"),
    path("guides/feed/", GuidesFeed(), name="guide_feed"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide_detail"),
    path("compare/", views.compare, name="compare"),
    path("compare/deadlines.ics", views.compare_calendar, name="compare_calendar"),
    path("staff/export/programmes.csv", views.export_programmes, name="export_programmes"),
    path("shortlist/", views.shortlist_page, name="shortlist"),
    path("shortlist/add/", views.shortlist_add, name="shortlist_add"),
    path("shortlist/remove/", views.shortlist_remove, name="shortlist_remove"),
    path("shortlist/clear/", views.shortlist_clear, name="shortlist_clear"),
]
