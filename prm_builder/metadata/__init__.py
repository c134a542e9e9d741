"""The Metadata API schema, the one XML serializer, and where each type's files live."""
