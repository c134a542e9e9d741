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
