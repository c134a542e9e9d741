"""Every mistake at once (issue 14): ten typical admin mistakes spread over the example's
spec files are all reported by one run — except what sits in a file that does not parse
(that file's own syntax error stands for it) — and nothing else: no follow-on error from a
section or list item that failed to parse."""

from __future__ import annotations

import shutil
from pathlib import Path

from prm_builder import api
from tests.conftest import ROOT, TODAY, edit_spec

#: (file, passage, replacement ending in '# mistake', the codes reported on that line)
MISTAKES = [
    # 1. YAML syntax: a list item indented one space too far (the whole file is unreadable)
    ("content.yml", "    - name: Brand Assets", "     - name: Brand Assets  # mistake", ["PRM-V001"]),
    # 2. a type error in one tier: the other tiers are still checked
    ("tiers.yml", "    rank: 1\n", "    rank: one  # mistake\n", ["PRM-V005"]),
    # 3. a higher tier asking less than a lower one (both thresholds are reported)
    ("tiers.yml", "      certifications: 2\n", "      certifications: 6  # mistake\n", ["PRM-V020"]),
    # 4. a typo in a key
    ("program.yml", "  description: >-", "  descripton: >-  # mistake", ["PRM-V003"]),
    # 5. a country in two territories: the second listing never takes effect
    ("lead_distribution.yml", "      values: [United Kingdom, Ireland]",
     "      values: [United Kingdom, Ireland, Austria]  # mistake", ["PRM-V152"]),
    # 6. a country name with a comma in it
    ("lead_distribution.yml", "      values: [United States, Canada]",
     '      values: [United States, Canada, "Korea, Republic of"]  # mistake', ["PRM-V037"]),
    # 7. a duplicate rule named like a label
    ("deal_registration.yml", "      - name: Deal_Reg_Channel_Conflict",
     "      - name: Deal Reg Channel Conflict  # mistake", ["PRM-V039"]),
    # 8. merge syntax typed into text that lands in email templates
    ("deal_registration.yml", "    sender_note: Questions? Write to channel-managers@northwind.example.",
     "    sender_note: 'Questions? Reply to {!Lead.Owner}.'  # mistake", ["PRM-V038"]),
    # 9. the same key twice
    ("mdf.yml", "  budget_access: account ", "  budget_access: account\n  model: custom  # mistake\n ", ["PRM-V002"]),
    # 10. a date that does not exist
    ("decisions.yml", "    due: 2027-01-15", "    due: 2027-02-30  # mistake", ["PRM-V017"]),
]


def _mistaken_example(tmp_path: Path) -> Path:
    specs = shutil.copytree(ROOT / "specs", tmp_path / "specs")
    for file, old, new, _ in MISTAKES:
        edit_spec(specs / file, old, new)
    return specs


def _marked_lines(specs: Path) -> dict[tuple[str, int], list[str]]:
    found = {}
    for file, _, new, codes in MISTAKES:
        text = (specs / file).read_text()
        line = text[: text.index(new)].count("\n") + 1 + new[: new.index("# mistake")].count("\n")
        found[(file, line)] = codes
    return found


def test_one_run_reports_all_ten_mistakes_and_no_follow_on(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = _mistaken_example(tmp_path)
    result = api.validate(Path("specs"), TODAY)
    reported = {(Path(d.ref.file).name, d.ref.line, d.code) for d in result.errors if d.ref}
    expected = {(file, line, code) for (file, line), codes in _marked_lines(specs).items() for code in codes}
    # The higher-tier mistake is also reported at the lower tier's threshold (Gold's).
    gold_certifications = (specs / "tiers.yml").read_text().split("\n").index("      certifications: 5") + 1
    expected.add(("tiers.yml", gold_certifications, "PRM-V020"))
    text = "\n".join(d.format() for d in result.diagnostics)
    assert reported == expected, text
    assert len(result.errors) == len(expected), text
    # The mistakes in the file that does not parse are not guessed at; nothing else is
    # reported for its sections (no PRM-V220 "object prm does not create" for content).
    assert not [d for d in result.errors if d.code in ("PRM-V004", "PRM-V220", "PRM-V153", "PRM-V030")]


def test_a_bad_list_item_does_not_hide_rules_over_the_good_ones(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = shutil.copytree(ROOT / "specs", tmp_path / "specs")
    edit_spec(specs / "tiers.yml", "    rank: 1\n", "    rank: [1]\n")  # Bronze fails to parse
    edit_spec(specs / "tiers.yml", "    mdf:\n      annual_allocation: 15000\n", "")  # Silver: MDF, no allocation
    codes = sorted(d.code for d in api.validate(Path("specs"), TODAY).errors)
    assert codes == ["PRM-V005", "PRM-V024"]


def test_a_bad_territory_does_not_hide_the_rest_of_lead_distribution(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = shutil.copytree(ROOT / "specs", tmp_path / "specs")
    # DACH loses its values (a required key): push queues still name it — no follow-on.
    edit_spec(specs / "lead_distribution.yml", "      values: [Germany, Austria, Switzerland]\n", "")
    # ...and a real mistake among the territories that parse.
    edit_spec(specs / "lead_distribution.yml", "      values: [United Kingdom, Ireland]",
              "      values: [United Kingdom, Ireland, Canada]")
    result = api.validate(Path("specs"), TODAY)
    found = sorted((d.code, d.ref.line) for d in result.errors)
    lines = (specs / "lead_distribution.yml").read_text().splitlines()
    dach = next(i for i, line in enumerate(lines, 1) if "- name: DACH" in line)
    canada = next(i for i, line in enumerate(lines, 1) if "[United Kingdom, Ireland, Canada]" in line)
    assert found == [("PRM-V004", dach), ("PRM-V152", canada)], "\n".join(d.format() for d in result.diagnostics)
    assert result.spec is None  # never generated from a partial section
