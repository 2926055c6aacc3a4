"""Pipeline stages: each module holds one callable `stage(ctx) -> None` with one job."""
