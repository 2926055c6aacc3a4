from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.readiness import not_ready_reasons

router = APIRouter(tags=["health"])


@router.get("/api/health", summary="Liveness check: the process answers")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/ready", summary="Readiness: database, Chroma, models and (when configured) Redis reachable",
            responses={503: {"description": "Not ready, with a short reason per failing part"}})
def ready() -> JSONResponse:
    if reasons := not_ready_reasons():
        return JSONResponse({"status": "not ready", "reasons": reasons}, status_code=503)
    return JSONResponse({"status": "ready"})
