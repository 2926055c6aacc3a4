"""Charts for the insights page, drawn as SVG on the server with pygal (no script in the page or the SVG).
Each chart comes with the table of the same figures, so nothing is only in the picture."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from assistant.insights import config
from assistant.insights.figures import ALL, Figures

# GOV.UK colours with enough contrast against white, in a fixed order so a series keeps its colour.
_STYLE = Style(background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
               foreground_subtle="#505a5f", colors=("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738"),
               font_family="Arial, sans-serif", label_font_size=14, major_label_font_size=14,
               legend_font_size=14, title_font_size=16, value_font_size=12)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg_data_uri: str  # an <img> source: the page's CSP allows data: images, never inline script
    alt: str
    headers: list[str]
    rows: list[list[str]]  # the same figures as text; suppressed counts show the marker


def _cell(value: Any) -> str:
    return config.marker() if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def _svg(chart: pygal.Graph) -> str:
    svg = chart.render(is_unicode=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _chart(kind: type, title: str, weeks: list[str], series: dict[str, list[Any]], **options: Any) -> str:
    chart = kind(style=_STYLE, js=[], disable_xml_declaration=True, width=720, height=360, title=title,
                 x_label_rotation=30, print_values=False, show_legend=len(series) > 1, legend_at_bottom=True,
                 no_data_text="No figures for these weeks", **options)
    chart.x_labels = weeks
    for name, values in series.items():
        chart.add(name, values)
    return _svg(chart)


def _by_week(rows: list[dict[str, Any]], value: str, **match: str) -> dict[str, Any]:
    return {row["iso_week"]: row[value] for row in rows if all(row[k] == v for k, v in match.items())}


def charts(figures: Figures, area: str) -> list[Chart]:
    """The page's charts for one area row ('all' for every area together)."""
    weeks = figures.weeks
    marker = config.marker()
    made = []

    turns = _by_week(figures.turns, "turns", area=area, topic=ALL, route=ALL, status=ALL)
    rate = _by_week(figures.unanswered, "unanswered_rate", area=area)
    turn_weeks = [w for w in weeks if w in turns]
    made.append(Chart(
        "questions", "Questions asked each week",
        _chart(pygal.Bar, "Questions asked each week", turn_weeks, {"Questions": [turns[w] for w in turn_weeks]}),
        "Bar chart of questions asked each week. The table below gives the same figures.",
        ["Week", "Questions", "Share not answered"],
        [[w, _cell(turns[w]), marker if rate.get(w) is None else f"{rate[w]:.1%}"] for w in turn_weeks]))

    measures = {"created": "Sent", "accepted": "Accepted", "declined": "Declined"}
    stories = {m: _by_week(figures.handoffs, m, area=area) for m in measures}
    story_weeks = [w for w in weeks if w in stories["created"]]
    medians = _by_week(figures.handoffs, "median_days_to_first_contact", area=area)  # only for 10+ stories
    made.append(Chart(
        "stories", "Stories sent to family hubs",
        _chart(pygal.Bar, "Stories sent to family hubs", story_weeks,
               {label: [stories[m][w] for w in story_weeks] for m, label in measures.items()}),
        "Bar chart of stories sent, accepted and declined each week. The table below gives the same figures.",
        ["Week", *measures.values(), "Median days to first contact"],
        [[w, *(_cell(stories[m][w]) for m in measures), "not shown" if medians.get(w) is None else str(medians[w])]
         for w in story_weeks]))

    helped_options = config.survey()["questions"]["helped"]["options"]
    helped = {code: _by_week(figures.survey, "responses", area=area, question="helped", answer=code) for code in helped_options}
    survey_weeks = [w for w in weeks if w in helped[next(iter(helped_options))]]
    made.append(Chart(
        "helped", "Did this answer help?",
        _chart(pygal.StackedBar, "Did this answer help?", survey_weeks,
               {label: [helped[code][w] for w in survey_weeks] for code, label in helped_options.items()}),
        "Stacked bar chart of survey answers to 'Did this answer help?' each week. The table below gives the same figures.",
        ["Week", *helped_options.values()],
        [[w, *(_cell(helped[code][w]) for code in helped_options)] for w in survey_weeks]))
    return made
