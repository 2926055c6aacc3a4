from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response

from assistant.operations_metrics import metrics_page
from core.metrics import may_scrape

router = APIRouter(tags=["operations"])


@router.get("/metrics", summary="Prometheus metrics (allowed networks or bearer token only)", include_in_schema=False)
def prometheus_metrics(request: Request, authorization: Annotated[str | None, Header()] = None) -> Response:
    if not may_scrape(request.client.host if request.client else None, authorization):
        return JSONResponse({"error": "Metrics are only for the council's monitoring.", "detail": []}, status_code=403)
    body, content_type = metrics_page()
    return Response(body, media_type=content_type)
