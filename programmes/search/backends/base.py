"""What every backend shares: the index table's name and the shape of the relevance score."""

from __future__ import annotations

TABLE = "programmes_search"
TITLE_SLACK = 4  # apostrophes, brackets and the like in a title that is otherwise the query


def score_shape(title: str) -> tuple[str, str]:
    """The engine-independent parts of the score: how much a shorter (more specific) title
    adds, and the phrase unit with a ``{condition}`` placeholder (one more when the title is
    hardly longer than what was typed)."""
    shortness = f"(0.5 * 10.0 / (10.0 + LENGTH({title})))"
    phrase = (
        "(CASE WHEN {condition} THEN 1 + "
        f"(CASE WHEN LENGTH({title}) <= %s THEN 1 ELSE 0 END) ELSE 0 END)"
    )
    return shortness, phrase
