"""prm_builder: Partner Relationship Management setup as code for Salesforce."""

__version__ = "0.1.0"

#: The Metadata API version every generated file is pinned to (the schema we validate against).
API_VERSION = "63.0"
