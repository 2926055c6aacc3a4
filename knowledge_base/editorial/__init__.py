"""Content editing: guidance and safety signposting live in the database, with drafts, a second-person
review, publishing that re-indexes one document, version history, and a content-gaps report.

The bundled Markdown (knowledge_base/content) and signposting YAML only seed the database on first run
(seed.seed_from_bundled); `python -m assistant content export DIR` writes the current content back to files.
"""
