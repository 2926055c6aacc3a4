"""Family Hub Assistant: the conversation core (pipeline, tell-it-once, CLI)."""
