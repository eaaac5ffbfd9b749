"""The list's filter controls, written in Python, match Django's own field rendering.

``controls.field_group`` exists for speed only: a label, help text, errors and widget with the
same attributes as ``as_field_group`` (so labels, ``aria-describedby`` and ``aria-invalid`` keep
working). This compares the two for every filter, with good, bad and hostile values.
"""

import re

import pytest
from django.http import QueryDict

from programmes.filters import ProgrammeFilter
from programmes.templatetags.controls import field_group
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def squash(html: str) -> str:
    return re.sub(r">\s+<", "><", " ".join(html.split()))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=clinical&city=Bath&mode=full-time&sort=fee_home&max_ielts=6.5&placement=yes",
        "max_fee_home=lots&max_duration=-1&city=Nowhere&sort=<script>&start_month=13",
        "q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&max_fee_international=1e9",
    ],
)
def test_each_control_matches_djangos_rendering(query):
    make_programme(title="Clinical AI")
    filterset = ProgrammeFilter(QueryDict(query) if query else None)
    filterset.is_valid()
    fields = [name for name in filterset.form.fields if name not in ("topic", "nation", "award")]
    assert fields  # q, university, city, mode, fees, duration, IELTS, start, placement, sort
    for name in fields:
        bound = filterset.form[name]
        assert squash(field_group(bound)) == squash(bound.as_field_group()), name
    assert "<script>alert" not in "".join(field_group(filterset.form[n]) for n in fields)


def test_the_list_page_shows_errors_tied_to_their_controls(client):
    make_programme()
    text = client.get("/programmes/", {"max_fee_home": "lots"}).text
    error = '<ul class="errorlist" id="id_max_fee_home_error"><li>Enter a whole number.</li></ul>'
    assert error in text
    assert 'aria-invalid="true" aria-describedby="id_max_fee_home_error"' in text
