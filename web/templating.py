"""Jinja templates shared by every page router (autoescaping keeps message HTML inert)."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

from assistant.insights import config as survey_config
from core.areas import AREA_LABELS

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(service_name="Family Hub Assistant", area_labels=AREA_LABELS)
# The survey's link texts (assistant/insights/data/survey.yaml), shown after an answer and after a story is sent.
templates.env.globals["survey_page"] = survey_config.survey()["page"]

from markdown_it import MarkdownIt  # noqa: E402
from markupsafe import Markup  # noqa: E402

# html=False: any HTML in content or messages is shown as text, never run.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
_GOVUK_CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "link_open": "govuk-link",
    "h1": "govuk-heading-l",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
}


def render_markdown(text: str) -> Markup:
    tokens = _markdown.parse(text or "")
    for token in tokens:
        css = _GOVUK_CLASSES.get(token.tag if token.type == "heading_open" else token.type)
        if css and not (token.type == "paragraph_open" and token.hidden):
            token.attrSet("class", css)
    return Markup(_markdown.renderer.render(tokens, _markdown.options, {}))


templates.env.filters["markdown"] = render_markdown
