"""MDAPI rendering reuses the source-format bytes (issue 15): same output, less work."""

from __future__ import annotations

from unittest import mock

from prm_builder import api
from prm_builder.metadata import serializer
from prm_builder.write import render
from tests.conftest import PROGRAMS, ROOT, TODAY


def test_mdapi_files_reusing_source_bytes_are_identical_and_serialize_only_objects() -> None:
    for specs in (ROOT / "specs", PROGRAMS / "pull_pool"):
        components = api.validate(specs, TODAY).components
        source = render.source_files(components)
        fresh = render.mdapi_files(components)
        with mock.patch.object(render, "build_element", wraps=render.build_element) as spy:
            reused = render.mdapi_files(components, source)
        assert reused == fresh
        serialized = {call.args[0] for call in spy.call_args_list}
        assert serialized <= {"CustomObject", "Package"}, serialized  # everything else was reused


def test_quotes_are_still_escaped_and_checked() -> None:
    data = serializer.serialize("Group", {"name": "Tom's \"Gold\" partners", "doesIncludeBosses": False})
    assert b"Tom&apos;s &quot;Gold&quot; partners" in data
