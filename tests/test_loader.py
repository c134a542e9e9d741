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


# --- robustness: bounded, coded, never a crash (issue 14) and the C loader (issue 15) ---

import pytest
import yaml

from prm_builder.spec import loader as spec_loader

REPO = Path(__file__).resolve().parent.parent
ALL_SPEC_FILES = sorted(REPO.glob("specs/*.yml")) + sorted(REPO.glob("tests/programs/*/*.yml")) + sorted(
    REPO.glob("tests/bad_specs/*/*.yml"))


def _codes(text: str) -> list[str]:
    return [d.code for d in spec_loader.load_text(text, "x.yml")[3]]


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
def test_c_loader_gives_the_same_data_positions_and_diagnostics_as_the_python_loader(monkeypatch) -> None:
    # Every spec file in the repository (good and bad) loads identically through both.
    assert len(ALL_SPEC_FILES) > 100
    for file in ALL_SPEC_FILES:
        text = file.read_bytes().decode("utf-8", "replace")
        monkeypatch.setattr(spec_loader, "_SafeLoader", yaml.CSafeLoader)
        fast = spec_loader.load_text(text, file.name)
        monkeypatch.setattr(spec_loader, "_SafeLoader", yaml.SafeLoader)
        slow = spec_loader.load_text(text, file.name)
        assert fast[0] == slow[0], file
        assert fast[1].values == slow[1].values and fast[1].keys == slow[1].keys, file
        assert fast[2] == slow[2], file
        if slow[3] and slow[3][0].code in ("PRM-V001", "PRM-V011"):
            # Syntax errors are worded differently, and libyaml stops deep nesting itself
            # while Python stops at its recursion limit: same code, different column.
            assert [d.code for d in fast[3]] == [d.code for d in slow[3]], file
            continue
        assert [(d.code, d.ref) for d in fast[3]] == [(d.code, d.ref) for d in slow[3]], file


def test_unicode_columns_are_equal_in_both_loaders(monkeypatch) -> None:
    text = "program:\n  name: \"Ünïcödé 日本\"\n  x: {a: b, ü: 1, c: dup, c: twice}\n"
    results = []
    for cls in filter(None, (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader)):
        monkeypatch.setattr(spec_loader, "_SafeLoader", cls)
        data, lines, _, diags = spec_loader.load_text(text, "u.yml")
        results.append((lines.values, lines.keys, [(d.code, d.ref) for d in diags]))
    assert results[0] == results[-1]
    assert results[0][2] == [("PRM-V002", spec_loader.SourceRef("u.yml", 3, 27))]


@pytest.mark.parametrize(("text", "code"), [
    ("a: 2027-02-30\n", "PRM-V017"), ("a: 2027-02-03 25:00:00\n", "PRM-V017"), ("a: !!int abc\n", "PRM-V017"),
    ("a: !!float abc\n", "PRM-V017"), ("a: !!bool maybe\n", "PRM-V017"), ("a: !!timestamp abc\n", "PRM-V017"),
    ("a: " + "9" * 5000 + "\n", "PRM-V017"), ("a: b\x01c\n", "PRM-V001"), ("a: b\x00\n", "PRM-V001"),
    ("program: x\n".encode("utf-16-le").decode("utf-8"), "PRM-V001"),
    ("[" * 1000 + "]" * 1000, "PRM-V011"), ("[" * 60_000 + "]" * 60_000, "PRM-V011"),
    ("".join("  " * i + "a:\n" for i in range(100)) + "  " * 100 + "b: 1\n", "PRM-V011"),
    ("a: &a [*a]\n", "PRM-V014"), ("a: &a {b: *a}\n", "PRM-V014"),
    ('a: "x\\e"\n', "PRM-V035"), ('a: "x\\0"\n', "PRM-V035"),
])
def test_every_unreadable_input_is_one_coded_diagnostic(text: str, code: str) -> None:
    # 60,000 levels would overflow libyaml's C recursion (a segfault): such texts must take
    # the pure-Python path, whose recursion Python bounds.
    assert _codes(text) == [code]


def test_billion_laughs_stops_quickly() -> None:
    import time

    lines = ["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    assert _codes("\n".join(lines) + "\n") == ["PRM-V014"]
    assert time.perf_counter() - start < 2


def test_a_few_aliases_are_fine() -> None:
    assert _codes("base: &b {x: 1}\nuse: [*b, *b]\n") == []


def test_file_size_is_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(spec_loader, "MAX_FILE_BYTES", 100)
    _write(tmp_path, "big.yml", "program:\n  name: " + "x" * 200 + "\n")
    loaded = load_specs(tmp_path, tmp_path)
    assert [(d.code, str(d.ref)) for d in loaded.diagnostics] == [("PRM-V009", "big.yml:1:1")]
    assert loaded.unreadable == ["big.yml"]


def test_one_unreadable_value_does_not_hide_the_rest_of_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "p.yml", "program:\n  name: 2027-02-30\n  license: Partner Community\n"
                              "tiers:\n  - name: Gold\n    rank: 1\n    typo: 1\n")
    parsed = parse_program(load_specs(tmp_path, tmp_path))
    loaded = load_specs(tmp_path, tmp_path)
    codes = sorted(d.code for d in loaded.diagnostics + parsed.diagnostics)
    assert codes == ["PRM-V003", "PRM-V017"]  # no follow-on "name must be text"


def test_a_big_flow_style_file_still_takes_the_c_loader_and_deep_ones_are_caught(monkeypatch) -> None:
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    many = "items:\n" + "".join(f"  - {{name: T{i}, values: [a, b]}}\n" for i in range(3000))
    assert spec_loader.loader_class(many, "x.yml") is yaml.CSafeLoader
    deep = "x: " + "[" * 100 + "]" * 100 + "\n" + many
    with pytest.raises(spec_loader._LoadProblem) as problem:
        spec_loader.loader_class(deep, "x.yml")
    assert problem.value.diagnostic.code == "PRM-V011"
    assert _codes(deep) == ["PRM-V011"]
