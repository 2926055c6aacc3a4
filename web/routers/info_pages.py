"""Plain information pages (privacy, accessibility) written as Markdown that editors can change."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import frontmatter
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from web.templating import templates

router = APIRouter(include_in_schema=False)
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@lru_cache(maxsize=8)
def _page(slug: str) -> frontmatter.Post:
    return frontmatter.load(str(PAGES_DIR / f"{slug}.md"))


@router.get("/{slug}", response_class=HTMLResponse)
def info_page(request: Request, slug: str) -> HTMLResponse:
    if slug not in {"privacy", "accessibility"}:
        raise HTTPException(status_code=404, detail="Page not found")
    page = _page(slug)
    return templates.TemplateResponse(request, "info_page.html", {"title": page["title"], "body": page.content})
