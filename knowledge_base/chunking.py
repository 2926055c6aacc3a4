"""Split guidance by heading into chunks that each stand alone as an answer."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter

from knowledge_base.documents import INTRO_KEY, GuidanceDocument

_SPLITTER = MarkdownHeaderTextSplitter(
    headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")], strip_headers=True
)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # stable across edits of other sections: doc id + heading path
    doc_id: str
    title: str
    heading: str  # heading path, " > " separated ("" for the introduction)
    text: str
    metadata: dict[str, str]

    @property
    def embedding_text(self) -> str:
        # Title and heading give short sections the context a parent's question refers to.
        return f"{self.title}. {self.heading}. {self.text}"

    @property
    def digest(self) -> str:
        return self.metadata["digest"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "intro"


def chunk_document(document: GuidanceDocument) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for part in _SPLITTER.split_text(document.body):
        heading = " > ".join(part.metadata[key] for key in ("h1", "h2", "h3") if key in part.metadata)
        chunk_id = f"{document.id}::{_slug(heading)}"
        while chunk_id in seen:  # two sections with one heading still get distinct ids
            chunk_id += "-2"
        seen.add(chunk_id)
        sources = "\n".join(f"{s.name}\t{s.url}" for s in document.sources)
        metadata = {
            "doc_id": document.id,
            "title": document.title,
            "heading": heading,
            "topic": document.topic,
            "area": document.area,
            "ages": document.ages,
            "sources": sources,
            # One question per line (Chroma metadata holds no lists); the last heading names the section.
            "red_flag": "yes" if heading and heading.split(" > ")[-1] in document.red_flags else "",
            "questions": "\n".join(document.questions.get(heading.split(" > ")[-1] if heading else INTRO_KEY, [])),
        }
        digest_input = "\x1f".join([part.page_content, *(f"{k}={v}" for k, v in sorted(metadata.items()))])
        metadata["digest"] = hashlib.sha256(digest_input.encode()).hexdigest()[:16]
        chunks.append(Chunk(chunk_id, document.id, document.title, heading, part.page_content.strip(), metadata))
    return chunks


def chunk_documents(documents: list[GuidanceDocument]) -> list[Chunk]:
    return [chunk for document in documents for chunk in chunk_document(document)]
