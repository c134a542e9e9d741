"""Lead distribution: entry order, reachability, limits, pool visibility by tier, both
models together, the SLA's next-queue chain, and reuse of an existing Lead tier field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.generate import lead_routing as lr
from prm_builder.generate.component import Component
from prm_builder.generate.sharing import criteria_rule, merge_sharing_rules
from tests.conftest import ROOT, TODAY, copy_program

TIERS = """\
tiers:
  - name: Premier
    rank: 3
    features: {lead_distribution: true, lead_pool: true}
  - name: Authorized
    rank: 2
    features: {lead_distribution: true, lead_pool: true}
  - name: Registered
    rank: 1
"""


def _specs(tmp_path: Path, lead: str, tiers: str = TIERS) -> Path:
    specs = copy_program("minimal", tmp_path)
    (specs / "tiers.yml").write_text(tiers)
    (specs / "lead_distribution.yml").write_text(textwrap.dedent(lead))
    return specs


def _components(specs: Path) -> dict[str, Component]:
    return {c.key: c for c in api.compile_program(specs, TODAY).components}


def _entries(components: dict[str, Component]) -> list[dict]:
    rules = components["AssignmentRules:Lead"].body["assignmentRule"]
    assert len(rules) == 1
    return rules[0]["ruleEntry"]


def _criteria(entry: dict) -> dict[str, str]:
    return {c["field"]: c["value"] for c in entry["criteriaItems"] if c["operation"] == "equals"}


@pytest.fixture(scope="module")
def northwind() -> dict[str, Component]:
    return {c.key: c for c in api.compile_program(ROOT / "specs", TODAY).components}


def test_example_entries_run_from_most_to_least_specific(northwind) -> None:
    entries = _entries(northwind)
    order = [e["assignedTo"] for e in entries]
    assert order[0] == "PRM_Lead_Pool"  # leads marked for the pool
    assert entries[0]["criteriaItems"] == [
        {"field": "Lead.Registration_Status__c", "operation": "equals", "value": ""},
        {"field": "Lead.Pool_Minimum_Tier__c", "operation": "notEqual", "value": ""}]
    assert order[1] == "PRM_Leads_Gold_NA_Embedded"  # territory + product + tier
    assert _criteria(entries[1]) == {"Lead.Country": "United States,Canada", "Lead.Distribution_Tier__c": "Gold",
                                     "Lead.Lead_Product_Interest__c": "Embedded BI", "Lead.Registration_Status__c": ""}
    assert order[2:8] == ["PRM_Leads_Gold_NA", "PRM_Leads_Gold_DACH", "PRM_Leads_Gold_UKI",
                          "PRM_Leads_Silver_NA", "PRM_Leads_Silver_DACH", "PRM_Leads_Silver_UKI"]
    # Untiered leads go where `untiered: Gold` says.
    assert order[8:11] == ["PRM_Leads_Gold_NA", "PRM_Leads_Gold_DACH", "PRM_Leads_Gold_UKI"]
    assert _criteria(entries[8]) == {"Lead.Country": "United States,Canada", "Lead.Distribution_Tier__c": "",
                                     "Lead.Registration_Status__c": ""}
    assert entries[-1] == {"assignedTo": "PRM_Lead_Pool", "assignedToType": "Queue", "formula": None,
                           "criteriaItems": [{"field": "Lead.Registration_Status__c", "operation": "equals",
                                              "value": ""}], "template": None}
    assert len(entries) == 12


def test_example_rule_is_the_one_active_rule_and_says_what_it_replaces(northwind) -> None:
    component = northwind["AssignmentRules:Lead"]
    assert component.body["assignmentRule"][0]["active"] is True
    assert any("ONE active Lead assignment rule" in n and "'Standard Lead Routing'" in n for n in component.notes)


def test_example_has_no_diagnostics() -> None:
    result = api.validate(ROOT / "specs", TODAY)
    assert result.diagnostics == []


def test_explicit_entries_keep_spec_order_and_the_catch_all_comes_last(tmp_path: Path) -> None:
    specs = _specs(tmp_path, """\
        lead_distribution:
          push:
            queues:
              - tier: Premier
              - tier: Authorized
            entries:
              - {queue: PRM_Leads_Authorized, tier: Authorized}
              - {queue: PRM_Leads_Premier, criteria: [{field: Rating, value: Hot}]}
              - {queue: PRM_Leads_Premier, formula: "AnnualRevenue > 1000000"}
            fallback_queue: Channel_Ops
        org:
          queues: [Channel_Ops]
        """)
    entries = _entries(_components(specs))
    assert [e["assignedTo"] for e in entries] == ["PRM_Leads_Authorized", "PRM_Leads_Premier", "PRM_Leads_Premier",
                                                  "Channel_Ops"]
    # An entry to a tier's queue takes only that tier's leads (the queue's tier is implied).
    assert entries[1]["criteriaItems"] == [
        {"field": "Lead.Distribution_Tier__c", "operation": "equals", "value": "Premier"},
        {"field": "Lead.Rating", "operation": "equals", "value": "Hot"}]
    assert entries[2]["formula"] == "AnnualRevenue > 1000000" and entries[2]["criteriaItems"] == []


BROAD = "{queue: PRM_Lead_Pool, territory: North America}"  # not a push queue: no tier implied
SPECIFIC = "{queue: PRM_Leads_Premier_North_America, territory: North America, tier: Premier}"


@pytest.mark.parametrize("first, second, unreachable", [(BROAD, SPECIFIC, True), (SPECIFIC, BROAD, False)])
def test_an_entry_after_a_broader_one_is_reported_unreachable(tmp_path: Path, first: str, second: str,
                                                              unreachable: bool) -> None:
    specs = _specs(tmp_path, f"""\
        lead_distribution:
          territories:
            - {{name: North America, values: [United States, Canada]}}
          push:
            queues:
              - {{tier: Premier, territory: North America}}
            entries:
              - {first}
              - {second}
          pool: {{}}
        """)
    result = api.validate(specs, TODAY)
    found = [d for d in result.diagnostics if d.code == "PRM-V161"]
    assert result.ok  # a warning, not an error
    if not unreachable:
        assert found == []
        return
    [warning] = found
    assert "entry 2" in warning.message and "entry 1" in warning.message
    assert warning.ref.line == 9 and warning.related[0].line == 8


def _plan(queue: str, equals: dict[str, tuple[str, ...]] | None = None, atoms=(), formula=None) -> lr.EntryPlan:
    return lr.EntryPlan(queue, equals or {}, frozenset(atoms), formula, None, queue)


@pytest.mark.parametrize("earlier, later, covered", [
    (_plan("a", {"Country": ("US", "CA")}), _plan("b", {"Country": ("US",), "Tier": ("Gold",)}), True),
    (_plan("a", {"Country": ("US",)}), _plan("b", {"Country": ("US", "CA")}), False),  # CA leads reach b
    (_plan("a", {"Tier": ("Gold",)}), _plan("b", {"Country": ("US",)}), False),
    (_plan("a", atoms=[("Rating", "notEqual", "")]), _plan("b", {"Country": ("US",)}), False),
    (_plan("a", atoms=[("Rating", "notEqual", "")]), _plan("b", atoms=[("Rating", "notEqual", "")]), True),
    (_plan("a"), _plan("b", formula="X > 1"), True),  # an unconditional entry catches everything
    (_plan("a", formula="X > 1"), _plan("b", formula="X > 1"), True),
    (_plan("a", formula="X > 1"), _plan("b", formula="X > 2"), False),
    (_plan("a", {"Country": ("US",)}), _plan("b", formula="X > 1"), False),
])
def test_covers(earlier: lr.EntryPlan, later: lr.EntryPlan, covered: bool) -> None:
    assert earlier.covers(later) is covered
    assert (list(lr.unreachable([earlier, later])) == [(later, earlier)]) is covered


def test_unreachable_index_finds_the_first_covering_entry_among_many() -> None:
    entries = [_plan(f"q{i}", {"Country": (f"C{i}",), "Tier": ("Gold",)}) for i in range(500)]
    entries.append(_plan("broad", {"Country": tuple(f"C{i}" for i in range(500))}))
    entries.append(_plan("late", {"Country": ("C250",), "Tier": ("Silver",)}))
    assert [(a.queue, b.queue) for a, b in lr.unreachable(entries)] == [("late", "broad")]


def _criteria_entry_spec(count: int) -> str:
    items = "\n".join(f"                  - {{field: Field_{i}__c, operation: notEqual}}" for i in range(count))
    return f"""\
        lead_distribution:
          push:
            queues:
              - tier: Premier
            entries:
              - queue: PRM_Leads_Premier
                criteria:
{items}
          pool: {{}}
        """


@pytest.mark.parametrize("count, ok", [(24, True), (25, False)])  # + the queue's tier
def test_criteria_per_entry_limit_is_25(tmp_path: Path, count: int, ok: bool) -> None:
    specs = _specs(tmp_path, _criteria_entry_spec(count))
    codes = [d.code for d in api.validate(specs, TODAY).errors]
    assert ("PRM-V160" not in codes) is ok


@pytest.mark.parametrize("length, ok", [(3900, True), (3901, False)])
def test_entry_formula_limit_is_3900_characters(tmp_path: Path, length: int, ok: bool) -> None:
    formula = "NumberOfEmployees > " + "1" * (length - len("NumberOfEmployees > "))
    specs = _specs(tmp_path, f"""\
        lead_distribution:
          push:
            queues:
              - tier: Premier
            entries:
              - {{queue: PRM_Leads_Premier, formula: '{formula}'}}
          pool: {{}}
        """)
    codes = [d.code for d in api.validate(specs, TODAY).errors]
    assert ("PRM-V172" not in codes) is ok


@pytest.mark.parametrize("count, ok", [(1000, True), (1001, False)])
def test_product_interest_picklist_limit_is_1000_values(tmp_path: Path, count: int, ok: bool) -> None:
    values = ", ".join(f"Product {i:04d}" for i in range(count))
    specs = _specs(tmp_path, f"""\
        lead_distribution:
          product_interest:
            field: {{api_name: Product_Interest__c, label: Product Interest}}
            values: [{values}]
          pool: {{}}
        """)
    codes = [d.code for d in api.validate(specs, TODAY).errors]
    assert ("PRM-V173" not in codes) is ok


@pytest.mark.parametrize("count, ok", [(300, True), (301, False)])
def test_formula_entries_limit_is_300(tmp_path: Path, count: int, ok: bool) -> None:
    entries = "\n".join(f"              - {{queue: PRM_Leads_Premier, formula: 'NumberOfEmployees > {i}'}}"
                        for i in range(count))
    specs = _specs(tmp_path, f"""\
        lead_distribution:
          push:
            queues:
              - tier: Premier
            entries:
{entries}
          pool: {{}}
        """)
    codes = [d.code for d in api.validate(specs, TODAY).errors]
    assert ("PRM-V159" not in codes) is ok


def test_pool_is_shared_only_with_eligible_tiers_cumulatively() -> None:
    compiled = api.compile_program(ROOT / "tests" / "programs" / "pull_pool", TODAY)
    components = {c.key: c for c in compiled.components}
    rules = components["SharingRules:Lead"].body["sharingCriteriaRules"]
    shared = {r["sharedTo"]["group"]: r["criteriaItems"][0]["value"] for r in rules}
    # Member has no features.lead_pool: no rule, no list-view access.
    assert shared == {"PRM_Tier_Platinum": "Platinum,Gold", "PRM_Tier_Gold": "Gold"}
    assert all(r["accessLevel"] == "Edit" for r in rules)  # claiming edits the lead
    view = components["ListView:Lead.Partner_Pool"].body
    # Not a queue view (only queue members may see those): every pool-marked lead the viewer may see.
    assert view["filterScope"] == "Everything" and view["queue"] is None
    assert view["filters"] == [{"field": "Pool_Minimum_Tier__c", "operation": "notEqual", "value": None}]
    assert view["sharedTo"] == {"group": ["PRM_Tier_Gold", "PRM_Tier_Platinum"], "role": ["Channel_Operations"]}
    # Pull only: no assignment rule replaces the org's active one, no push queues.
    assert "AssignmentRules:Lead" not in components
    assert [k for k in components if k.startswith("Queue:")] == ["Queue:Partner_Pool"]
    assert {"Flow:PRM_Lead_Pool_Claim", "Flow:PRM_Lead_Pool_Intake"} <= set(components)


def test_pool_rules_merge_with_other_features_lead_sharing_rules(northwind) -> None:
    other = criteria_rule("Lead", "Deal_Reg_Share", label="Deal Registrations", group="PRM_Tier_Gold",
                          criteria=[("LeadSource", "equals", "Partner")], source=None, purpose="test")
    pool_rules = [c for c in northwind.values() if c.key == "SharingRules:Lead"]
    # Re-split the merged pool rules into fragments, add the other feature's, merge again.
    fragments = [criteria_rule("Lead", r["fullName"], label=r["label"], group=r["sharedTo"]["group"],
                               criteria=[(i["field"], i["operation"], i["value"]) for i in r["criteriaItems"]],
                               source=None, purpose="pool", access_level=r["accessLevel"])
                 for c in pool_rules for r in c.body["sharingCriteriaRules"]]
    merged, diagnostics = merge_sharing_rules(fragments + [other])
    assert diagnostics == []
    [lead] = [c for c in merged if c.key == "SharingRules:Lead"]
    names = [r["fullName"] for r in lead.body["sharingCriteriaRules"]]
    assert names == ["Deal_Reg_Share", "PRM_Pool_Bronze", "PRM_Pool_Gold", "PRM_Pool_Silver"]


def _route(components: dict[str, Component], queue: str) -> dict[str, str | None]:
    values = components[f"CustomMetadata:PRM_Lead_Route.{queue}"].body["values"]
    return {v["field"]: (None if not isinstance(v["value"], str) else str(v["value"])) for v in values}


def test_sla_moves_down_the_tiers_then_into_the_pool(northwind) -> None:
    assert _route(northwind, "PRM_Leads_Gold_NA")["Next_Queue__c"] == "PRM_Leads_Silver_NA"
    assert _route(northwind, "PRM_Leads_Silver_NA")["Next_Queue__c"] == "PRM_Lead_Pool"
    # No Silver queue for the product: straight into the pool.
    assert _route(northwind, "PRM_Leads_Gold_NA_Embedded")["Next_Queue__c"] == "PRM_Lead_Pool"
    flow = northwind["Flow:PRM_Lead_Acceptance_SLA"].body
    path = flow["start"]["scheduledPaths"][0]
    assert (path["offsetNumber"], path["offsetUnit"]) == (48, "Hours")
    assert "CustomNotificationType:PRM_Lead_SLA_Expired" in northwind
    assert "Group:Channel_Managers" in northwind["Flow:PRM_Lead_Acceptance_SLA"].references


def test_push_only_with_fallback_queue(tmp_path: Path) -> None:
    specs = _specs(tmp_path, """\
        lead_distribution:
          territories:
            - {name: West, field: State, values: [CA, OR, WA]}
          push:
            fallback_queue: Channel_Ops
          sla:
            accept_within_hours: 24
            on_expiry: next_queue
        org:
          queues: [Channel_Ops]
        """)
    components = _components(specs)
    assert sorted(k for k in components if k.startswith("Queue:")) == [
        "Queue:PRM_Leads_Authorized_West", "Queue:PRM_Leads_Premier_West"]
    queue = components["Queue:PRM_Leads_Premier_West"].body
    assert queue["queueMembers"] == {"publicGroups": {"publicGroup": ["PRM_Tier_Premier_West"]}, "roles": None,
                                     "users": None}
    assert queue["doesSendEmailToMembers"] is False and queue["queueSobject"] == [{"sobjectType": "Lead"}]
    entries = _entries(components)
    assert entries[-1]["assignedTo"] == "Channel_Ops"
    assert _criteria(entries[0]) == {"Lead.State": "CA,OR,WA", "Lead.Distribution_Tier__c": "Premier"}
    assert not any(k.startswith("SharingRules") or "Pool" in k for k in components)
    assert _route(components, "PRM_Leads_Premier_West")["Next_Queue__c"] == "PRM_Leads_Authorized_West"
    assert _route(components, "PRM_Leads_Authorized_West")["Next_Queue__c"] == "Channel_Ops"


def test_reuses_an_existing_lead_tier_field(tmp_path: Path) -> None:
    specs = _specs(tmp_path, """\
        lead_distribution:
          tier_field: {api_name: Partner_Tier__c, label: Partner Tier, generate: false}
          push:
            queues:
              - tier: Premier
          pool: {}
        org:
          fields: [Lead.Partner_Tier__c]
        """)
    components = _components(specs)
    assert "CustomField:Lead.Partner_Tier__c" not in components
    assert "CustomField:Lead.Distribution_Tier__c" not in components
    assert _criteria(_entries(components)[1]) == {"Lead.Partner_Tier__c": "Premier"}


def test_warnings_for_overlap_named_users_and_inactive_rule(tmp_path: Path) -> None:
    specs = _specs(tmp_path, """\
        lead_distribution:
          territories:
            - {name: East, values: [Germany, Austria]}
            - {name: Central, values: [Austria]}
          push:
            queues:
              - {tier: Premier, territory: East}
              - tier: Premier
                territory: Central
                members: {users: [ops@example.com]}
          pool: {}
          assignment_rule: {active: false}
        org:
          users: [ops@example.com]
        """)
    result = api.validate(specs, TODAY)
    # Austria is in both territories: Central's entries sit behind East's and never fire.
    # The dead listing is an error (issue 14); the rest are warnings.
    assert [d.code for d in result.errors] == ["PRM-V152"]
    assert sorted(d.code for d in result.warnings) == ["PRM-V161", "PRM-V163", "PRM-V167", "PRM-V174"]


def test_default_queue_names_and_labels(tmp_path: Path) -> None:
    specs = _specs(tmp_path, """\
        lead_distribution:
          territories:
            - {name: North America, api_name: NA, values: [United States]}
          push: {}
          pool: {}
        """)
    components = _components(specs)
    assert components["Queue:PRM_Leads_Premier_NA"].body["name"] == "Premier Leads North America"
    assert components["ListView:Lead.PRM_Leads_Premier_NA"].body["queue"] == "PRM_Leads_Premier_NA"


def test_claim_flow_claims_only_from_the_pool_and_clears_the_pool_mark(northwind) -> None:
    flow = northwind["Flow:PRM_Lead_Pool_Claim"].body
    assert flow["start"]["triggerType"] == "RecordBeforeSave"
    [claimed] = flow["formulas"]
    assert claimed["expression"] == ('AND({!$Record.Claim_Pool_Lead__c}, '
                                     '{!$Record.OwnerId} = {!$Record__Prior.OwnerId}, '
                                     '{!$Record.Owner:Group.DeveloperName} = "PRM_Lead_Pool")')
    rule = flow["decisions"][0]["rules"][0]
    assert rule["conditions"][0]["leftValueReference"] == "claimFromPool"
    # Before save: assignments to $Record (no DML).
    updates = {u["name"]: {a["assignToReference"].removeprefix("$Record."): a["value"] for a in u["assignmentItems"]}
               for u in flow["assignments"]}
    cleared = {"Claim_Pool_Lead__c": {"booleanValue": False},
               "Pool_Minimum_Tier__c": {"elementReference": "$GlobalConstant.EmptyString"}}
    assert updates["Claim_Lead"] == {"OwnerId": {"elementReference": "$User.Id"}, **cleared}
    assert updates["Release_Lead"] == cleared
    assert updates["Clear_Claim"] == {"Claim_Pool_Lead__c": {"booleanValue": False}}


@pytest.mark.parametrize("declared", [True, False])
def test_assignment_email_template_must_be_declared(tmp_path: Path, declared: bool) -> None:
    org = "\n        org:\n          email_templates: [PRM/Lead_Assigned]" if declared else ""
    specs = _specs(tmp_path, f"""\
        lead_distribution:
          push:
            queues:
              - tier: Premier
          pool: {{}}
          assignment_rule:
            email_template: PRM/Lead_Assigned{org}
        """)
    result = api.validate(specs, TODAY)
    if declared:
        assert result.ok
        assert {e["template"] for e in _entries({c.key: c for c in result.components})} == {"PRM/Lead_Assigned"}
    else:
        [problem] = result.errors
        assert problem.code == "PRM-V030" and "PRM/Lead_Assigned" in problem.message
        assert problem.ref.line == 7  # the email_template line


@pytest.mark.parametrize("program", ["specs", "tests/programs/pull_pool"])
def test_lead_distribution_output_conforms_to_the_metadata_schema(program: str) -> None:
    from prm_builder.write.render import mdapi_files, source_files

    components = [c for c in api.validate(ROOT / program, TODAY).components
                  if c.full_name.startswith(("Lead", "PRM_Lead", "Partner_Pool")) or c.type in ("Queue", "Flow")]
    assert len(components) >= 6
    api.check_schema_conformance(source_files(components), mdapi_files(components))  # raises on a violation


def test_tier_only_queues_come_after_territory_queues(tmp_path: Path) -> None:
    specs = _specs(tmp_path, """\
        lead_distribution:
          territories:
            - {name: West, field: State, values: [CA, OR]}
          push:
            queues:
              - {tier: Premier, api_name: Premier_Anywhere}
              - {tier: Authorized, territory: West}
              - {tier: Premier, territory: West}
            untiered: Premier
          pool: {}
        """)
    result = api.validate(specs, TODAY)
    assert [d.code for d in result.diagnostics] == []  # nothing unreachable
    order = [e["assignedTo"] for e in _entries({c.key: c for c in result.components})]
    assert order == ["PRM_Lead_Pool", "PRM_Leads_Premier_West", "PRM_Leads_Authorized_West", "Premier_Anywhere",
                     "PRM_Leads_Premier_West", "Premier_Anywhere", "PRM_Lead_Pool"]


@pytest.mark.parametrize("inheritance, premier_sees", [(True, "Premier,Authorized"), (False, "Premier")])
def test_pool_visibility_follows_tier_inheritance(tmp_path: Path, inheritance: bool, premier_sees: str) -> None:
    specs = _specs(tmp_path, f"""\
        lead_distribution:
          pool: {{}}
        sharing:
          tier_inheritance: {str(inheritance).lower()}
        """)
    rules = _components(specs)["SharingRules:Lead"].body["sharingCriteriaRules"]
    shared = {r["sharedTo"]["group"]: r["criteriaItems"][0]["value"] for r in rules}
    assert shared == {"PRM_Tier_Premier": premier_sees, "PRM_Tier_Authorized": "Authorized"}


def test_lead_field_names_use_the_shared_field_checks(tmp_path: Path) -> None:
    """PRM-V166 runs the same checks as every section's generated fields (validate/field_checks):
    a repeated name is reported at the second field, pointing back at the first."""
    specs = _specs(tmp_path, """\
        lead_distribution:
          push:
            queues:
              - tier: Premier
          pool:
            minimum_tier_field: {api_name: Distribution_Tier__c, label: Pool Minimum Tier}
        """)
    [diag] = [d for d in api.validate(specs, TODAY).diagnostics if d.code == "PRM-V166"]
    assert "two lead distribution fields are named 'Distribution_Tier__c'" in diag.message
    assert diag.ref is not None and diag.ref.line == 6 and diag.related


def _brute_force_unreachable(entries: list[lr.EntryPlan]) -> list[tuple[str, str]]:
    """The definition: each entry against every earlier one, first cover wins."""
    found = []
    for j, later in enumerate(entries):
        earlier = next((e for e in entries[:j] if e.covers(later)), None)
        if earlier is not None:
            found.append((later.description, earlier.description))
    return found


def test_unreachable_index_gives_the_brute_force_answer() -> None:
    """The indexed PRM-V161 check (issue 15: it was quadratic) finds exactly the pairs the
    definition does, on random entries over a small alphabet so that covers are common."""
    import random

    rng = random.Random(15)
    fields, values = ["Country", "Tier", "Product"], ["a", "b", "c", "d"]
    for _ in range(300):
        entries = []
        for k in range(rng.randint(1, 12)):
            roll = rng.random()
            if roll < 0.05:
                entries.append(lr.EntryPlan(f"q{k}", {}, frozenset(), rng.choice(["X>1", "X>2"]), None, f"e{k}"))
                continue
            equals = {f: tuple(rng.sample(values, rng.randint(0 if roll < 0.1 else 1, 3)))
                      for f in rng.sample(fields, rng.randint(0, 3))}
            atoms = frozenset(rng.sample([("Rating", "notEqual", ""), ("Status", "equals", "New")],
                                         rng.randint(0, 1)))
            entries.append(lr.EntryPlan(f"q{k}", equals, atoms, None, None, f"e{k}"))
        got = [(a.description, b.description) for a, b in lr.unreachable(entries)]
        assert got == _brute_force_unreachable(entries)


def test_unreachable_is_fast_at_the_entry_limit() -> None:
    """6 tiers x 428 territories + their territory entries: ~3,000 entries, none unreachable.
    The quadratic version compared 560,000 pairs here (2 s); the index compares a few."""
    import time

    entries = [_plan(f"q{t}_{r}", {"Country": (f"C{r}",), "Tier": (f"T{t}",)}) for t in range(6) for r in range(428)]
    entries += [_plan(f"top{r}", {"Country": (f"C{r}",)}) for r in range(428)]
    start = time.process_time()
    assert list(lr.unreachable(entries)) == []
    assert time.process_time() - start < 0.5
