"""Jinja templates shared by every page router (autoescaping keeps message HTML inert)."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

from assistant.config import AREAS

AREA_LABELS: dict[str, str] = {
    "leeds": "Leeds",
    "hammersmith-fulham": "Hammersmith & Fulham",
    "liverpool-city-region": "Liverpool City Region",
}
assert set(AREA_LABELS) == set(AREAS)

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(service_name="Family Hub Assistant", area_labels=AREA_LABELS)

from markdown_it import MarkdownIt  # noqa: E402
from markupsafe import Markup  # noqa: E402

# html=False: any HTML in content or messages is shown as text, never run.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_markdown(text: str) -> Markup:
    html = _markdown.render(text or "")
    return Markup(html.replace("<p>", '<p class="govuk-body">').replace("<ul>", '<ul class="govuk-list govuk-list--bullet">'))


templates.env.filters["markdown"] = render_markdown
