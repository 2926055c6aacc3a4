"""Family hub service directory: Open Referral UK import, schedules, search and answer cards."""

from knowledge_base.directory.bundled import ensure_bundled_directory, is_example_data

__all__ = ["ensure_bundled_directory", "is_example_data"]
