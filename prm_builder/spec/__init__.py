"""Reading spec files: YAML with a position for every node, and discovery of specs/."""
