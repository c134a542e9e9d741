from __future__ import annotations

from pathlib import Path

from prm_builder.model.parse import parse_program
from prm_builder.spec.loader import load_specs


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_positions_are_one_based_and_point_at_values(tmp_path: Path) -> None:
    _write(tmp_path, "p.yml", "program:\n  name: Acme\n  license: Partner Community\n"
                              "tiers:\n  - name: Gold\n    rank: 1\n")
    loaded = load_specs(tmp_path, tmp_path)
    assert loaded.lines.value(("program", "name")).line == 2
    assert loaded.lines.value(("program", "name")).col == 9
    assert loaded.lines.key(("tiers", 0, "rank")).col == 5
    parsed = parse_program(loaded)
    assert str(parsed.spec.tiers[0].ref("rank")) == "p.yml:6:11"


def test_sections_merge_across_files_in_sorted_order(tmp_path: Path) -> None:
    _write(tmp_path, "b.yml", "tiers:\n  - name: Gold\n    rank: 1\n")
    _write(tmp_path, "a.yml", "program:\n  name: Acme\n  license: Partner Community\n")
    _write(tmp_path, "notes.txt", "not a spec")
    loaded = load_specs(tmp_path, tmp_path)
    assert loaded.files == ["a.yml", "b.yml"]
    assert loaded.section_files == {"program": "a.yml", "tiers": "b.yml"}
    assert parse_program(loaded).spec.tiers[0].ref().file == "b.yml"


def test_yaml_keys_are_names_and_values_keep_yaml_types(tmp_path: Path) -> None:
    _write(tmp_path, "a.yml", "org:\n  fields: [Lead.PartnerAccountId]\nyes: 1\n")
    loaded = load_specs(tmp_path, tmp_path)
    assert "yes" in loaded.data  # not True
    assert loaded.data["yes"] == 1


def test_unsafe_tags_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.yml", "program: !!python/object/apply:os.system ['echo hacked']\n")
    loaded = load_specs(tmp_path, tmp_path)
    assert [d.code for d in loaded.diagnostics] == ["PRM-V001"]


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    assert [d.code for d in load_specs(tmp_path / "nope").diagnostics] == ["PRM-V008"]
    assert [d.code for d in load_specs(tmp_path).diagnostics] == ["PRM-V008"]


def test_a_file_that_is_a_list_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "a.yml", "- program\n")
    assert [d.code for d in load_specs(tmp_path, tmp_path).diagnostics] == ["PRM-V005"]


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    tmp_path.joinpath("a.yml").write_bytes(b"program:\n  name: \xff\xfe\n")
    assert [d.code for d in load_specs(tmp_path, tmp_path).diagnostics] == ["PRM-V001"]
