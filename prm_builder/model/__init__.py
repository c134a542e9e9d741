"""The spec model: frozen pydantic v2 nodes, each knowing where in the specs it came from."""

from prm_builder.model.root import ProgramSpec

__all__ = ["ProgramSpec"]
