"""Tell it once: a parent's consented story, handed to the right family hub, reviewed by staff."""
