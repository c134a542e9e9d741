from __future__ import annotations

from prm_builder.generate.references import formula_fields


def test_formula_fields_skip_functions_strings_and_globals() -> None:
    found = formula_fields("Account", 'IF(AND(A__c >= 1, TEXT(B__c) = "C__c"), $User.Id, TRUE) /* D__c */')
    assert found == {"Account.A__c", "Account.B__c"}


def test_standard_relationships_resolve() -> None:
    assert formula_fields("Lead", "TEXT(PartnerAccount.Partner_Tier__c)") == {"Account.Partner_Tier__c"}


def test_unknown_relationship_is_returned_unresolved() -> None:
    assert formula_fields("Lead", "Foo__r.Bar__c > 0") == {"Lead.Foo__r.Bar__c"}


def test_bare_standard_names_are_references() -> None:
    # Lead has no Amount: a formula naming it must be caught before deploy.
    assert formula_fields("Lead", "Amount > 50000") == {"Lead.Amount"}


def test_generated_queue_and_group_may_not_share_a_developer_name() -> None:
    from prm_builder import api
    from prm_builder.generate.component import Component
    from prm_builder.generate.group_names import check_group_names
    from tests.conftest import PROGRAMS, TODAY

    spec = api.compile_program(PROGRAMS / "minimal", TODAY).spec
    group = Component("Group", "Channel_Team", {"name": "Channel Team"}, purpose="t", source=None)
    queue = Component("Queue", "channel_team", {"name": "Channel Team"}, purpose="t", source=None)
    other = Component("Queue", "Deal_Desk", {"name": "Deal Desk"}, purpose="t", source=None)
    found = check_group_names(spec, [queue, group, other])
    assert [d.code for d in found] == ["PRM-V031"]
    assert "generated queue 'channel_team'" in found[0].message


def test_formulas_longer_than_the_platform_limit_are_errors() -> None:
    from prm_builder.generate.component import Component
    from prm_builder.generate.formula_limits import FORMULA_MAX, check_formula_lengths

    def rule(length: int) -> Component:
        return Component("ValidationRule", "Lead.Long", {"errorConditionFormula": "1" * length},
                         purpose="test", source=None)

    class NoSpec:
        def key_ref(self, field: str) -> None:
            return None

    assert check_formula_lengths(NoSpec(), [rule(FORMULA_MAX)]) == []  # type: ignore[arg-type]
    diags = check_formula_lengths(NoSpec(), [rule(FORMULA_MAX + 1)])  # type: ignore[arg-type]
    assert [d.code for d in diags] == ["PRM-V032"] and "3901 characters" in diags[0].message
    # Formulas nested in a folded workflow (field updates) count too.
    workflow = Component("Workflow", "Lead", {"fieldUpdates": [{"formula": "1" * (FORMULA_MAX + 5)}]},
                         purpose="test", source=None)
    assert [d.code for d in check_formula_lengths(NoSpec(), [workflow])] == ["PRM-V032"]  # type: ignore[arg-type]
