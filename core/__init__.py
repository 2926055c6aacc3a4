"""The foundation every package may use: settings, database, keys, models, logging, areas, shared types.

core imports none of the project's other packages (see tests/test_layers.py)."""
