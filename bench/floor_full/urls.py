from django.http import HttpResponse
from django.urls import path


def floor(request):  # noqa: ARG001 - a view's signature
    return HttpResponse(b"<!doctype html><title>floor</title><p>ok</p>")


urlpatterns = [path("", floor)]
