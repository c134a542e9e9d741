"""Behaviour as code (issue 13): read a source-format folder back into an org model, evaluate
formulas, and run scenarios against it (`prm test`). Reads metadata XML, never the spec model."""
