from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/api/health", summary="Liveness check")
def health() -> dict[str, str]:
    return {"status": "ok"}
