"""The handoff documentation package: `prm docs` (see package.py for the pipeline)."""
