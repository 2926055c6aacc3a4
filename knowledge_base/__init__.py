"""Curated guidance: loading, chunking, indexing and hybrid search."""
