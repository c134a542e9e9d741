"""Deal registration lifecycle, conversion and channel-conflict scope (issue 12, items 6, 7,
8, 9, 15, 18, 20), read from the generated XML and Apex of the example (protected lifecycle,
standard lookup) and the dealreg_custom program (convert on approval, custom lookup)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from prm_builder import api
from tests.conftest import PROGRAMS, ROOT, TODAY, edit_spec

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
SRC = ""


def _compile(specs: Path) -> dict[str, bytes]:
    return api.compile_program(specs, TODAY).source


@pytest.fixture(scope="module")
def example() -> dict[str, bytes]:
    return _compile(ROOT / "specs")


@pytest.fixture(scope="module")
def custom() -> dict[str, bytes]:
    return _compile(PROGRAMS / "dealreg_custom")


def _xml(files: dict[str, bytes], rel: str) -> etree._Element:
    return etree.fromstring(files[SRC + rel])


def _text(el: etree._Element, path: str) -> list[str]:
    return [e.text or "" for e in el.findall(path, NS)]


def _copy(tmp_path: Path, source: Path) -> Path:
    target = tmp_path / "specs"
    shutil.copytree(source, target)
    return target


def _codes(specs: Path) -> set[str]:
    return {d.code for d in api.validate(specs, TODAY).errors}


# --- item 6: the spec chooses the lifecycle ------------------------------------------------

def test_convert_on_approval_has_no_expiry_and_queues_the_conversion(custom) -> None:
    assert not any("Deal_Registration_Expiry" in k or "Registration_Expires_On__c" in k or "Expiring_Soon" in k
                   or "Deal_Reg_Expired" in k for k in custom), "nothing expires when approval converts"
    flow = _xml(custom, "flows/Deal_Registration_Lifecycle.flow-meta.xml")
    assert _text(flow, "m:actionCalls/m:actionName") == ["submit", "DealRegistrationConverter"]
    workflow = _xml(custom, "workflows/Lead.workflow-meta.xml")
    assert "Deal_Reg_Set_Expiry" not in _text(workflow, "m:fieldUpdates/m:fullName")


def test_protected_lifecycle_expires_and_is_converted_by_someone(example) -> None:
    flow = _xml(example, "flows/Deal_Registration_Lifecycle.flow-meta.xml")
    assert _text(flow, "m:actionCalls/m:actionName") == ["submit"], "approval must not convert at once"
    assert SRC + "flows/Deal_Registration_Expiry.flow-meta.xml" in example
    assert SRC + "objects/Lead/listViews/Deal_Reg_Expiring_Soon.listView-meta.xml" in example
    assert SRC + "email/PRM_Deal_Registration/Deal_Reg_Expired.email" in example
    workflow = _xml(example, "workflows/Lead.workflow-meta.xml")
    assert "Deal_Reg_Set_Expiry" in _text(workflow, "m:fieldUpdates/m:fullName")


def test_the_contradictory_lifecycle_is_rejected(tmp_path: Path) -> None:
    specs = _copy(tmp_path, ROOT / "specs")
    edit_spec(specs / "deal_registration.yml", "on_approval: false", "on_approval: true")
    assert "PRM-V127" in _codes(specs)
    edit_spec(specs / "deal_registration.yml", "  expiry:\n    days: 90\n", "")
    edit_spec(specs / "deal_registration.yml", "    expiring_within_days: 14\n", "")
    assert "PRM-V127" not in _codes(specs)


def _method(apex: str, signature: str) -> str:
    """The body of one Apex method (from its signature to the matching closing brace)."""
    start = apex.index(signature)
    depth, i = 0, apex.index("{", start)
    for j in range(i, len(apex)):
        depth += {"{": 1, "}": -1}.get(apex[j], 0)
        if depth == 0:
            return apex[i:j + 1]
    raise AssertionError("unbalanced braces")


def test_the_invocable_action_only_queues_so_a_failure_cannot_roll_back_the_approval(custom) -> None:
    apex = custom[SRC + "classes/DealRegistrationConverter.cls"].decode()
    assert "implements Queueable" in apex
    invocable = _method(apex, "public static List<Result> convert(")
    assert "System.enqueueJob(new DealRegistrationConverter(" in invocable
    assert "convertLead" not in invocable and "update " not in invocable
    assert "Database.convertLead(ready, false)" in apex, "partial success: one failure does not fail the chunk"


def test_conversion_matches_existing_accounts_and_sets_an_explicit_owner(custom) -> None:
    apex = custom[SRC + "classes/DealRegistrationConverter.cls"].decode()
    chunk = _method(apex, "private static Map<Id, Id> convertChunk(")
    assert "lc.setOwnerId(owner);" in chunk and "lc.setAccountId(accounts.get(l.Id));" in chunk
    matcher = _method(apex, "private static Map<Id, Id> matchAccounts(")
    assert "Website IN :websites OR Name IN :names" in matcher and "IsPartner = false" in matcher
    assert "SELECT Id, OwnerId, Owner.IsActive FROM Account" in apex
    assert "lc.setContactId(contacts.get(l.Id));" in chunk, "the matched account's contact is reused too"
    assert "candidates.size() == 1" in matcher, "an ambiguous match creates a new account instead of guessing"


def test_failures_are_written_on_the_record(custom, example) -> None:
    for files in (custom, example):
        field = _xml(files, "objects/Lead/fields/Registration_Conversion_Error__c.field-meta.xml")
        assert _text(field, "m:type") == ["Text"] and _text(field, "m:length") == ["255"]
    apex = custom[SRC + "classes/DealRegistrationConverter.cls"].decode()
    failure = _method(apex, "private static Lead failure(")
    assert "Registration_Status__c = 'Approved'" in failure
    assert "Registration_Conversion_Error__c = reason.abbreviate(ERROR_LENGTH)" in failure


def test_manual_conversion_carries_a_custom_partner_lookup(custom, example) -> None:
    settings = _xml(custom, "LeadConvertSettings/LeadConvertSettings.LeadConvertSetting-meta.xml")
    mapping = settings.find("m:objectMapping", NS)
    assert _text(mapping, "m:inputObject") == ["Lead"] and _text(mapping, "m:outputObject") == ["Opportunity"]
    assert _text(mapping, "m:mappingFields/m:inputField") == ["Registering_Partner__c"]
    assert _text(mapping, "m:mappingFields/m:outputField") == ["Registering_Partner__c"]
    # the standard PartnerAccountId maps to Opportunity.PartnerAccountId by itself
    assert not any("LeadConvertSettings" in k for k in example)


# --- item 7: converter Apex ---------------------------------------------------------------

def _apex_structure_problems(source: str) -> list[str]:
    """A small Apex lexer: string literals must close on their line (a backslash escapes the
    next character), block comments must close, and braces must balance outside both."""
    problems, depth, i, line = [], 0, 0, 1
    while i < len(source):
        ch, nxt = source[i], source[i + 1:i + 2]
        if ch == "\n":
            line += 1
        if ch == "/" and nxt == "*":
            end = source.find("*/", i + 2)
            if end < 0:
                return problems + [f"line {line}: unclosed comment"]
            line += source.count("\n", i, end)
            i = end + 2
            continue
        if ch == "/" and nxt == "/":
            i = source.find("\n", i)
            continue
        if ch == "'":
            j = i + 1
            while j < len(source) and source[j] != "'":
                if source[j] == "\n":
                    return problems + [f"line {line}: string literal runs past the line"]
                j += 2 if source[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "*" and nxt == "/":
            problems.append(f"line {line}: '*/' outside a comment")
        if ch in "{}":
            depth += 1 if ch == "{" else -1
            if depth < 0:
                problems.append(f"line {line}: unbalanced brace")
        i += 1
    return problems + ([f"{depth} unclosed braces"] if depth else [])


@pytest.mark.parametrize("name", ["DealRegistrationConverter.cls", "DealRegistrationConverterTest.cls"])
def test_the_generated_apex_is_well_formed(custom, example, name) -> None:
    for files in (custom, example):
        assert _apex_structure_problems(files[SRC + "classes/" + name].decode()) == []


def test_the_lexer_catches_what_unescaped_values_would_do() -> None:
    # the check above must be able to fail: these are what the templates produced before
    assert _apex_structure_problems("class A { String s = 'Partner's Closed'; }")
    assert _apex_structure_problems("/** Acme */ Partners */ class A { }")


def test_adversarial_spec_values_build_compilable_apex(tmp_path: Path) -> None:
    specs = _copy(tmp_path, PROGRAMS / "dealreg_custom")
    edit_spec(specs / "deal_registration.yml", "converted_status: Partner's Closed",
              "converted_status: 'Partner''s \\ Closed */ ok'")
    program = (specs / "program.yml").read_text()
    name = re.search(r"^  name: (.*)$", program, re.M)
    assert name, "program.yml has a program name"
    edit_spec(specs / "program.yml", name.group(0), "  name: \"Acme */ Partners' \\\\ Program\"")
    files = _compile(specs)
    for cls in ("DealRegistrationConverter.cls", "DealRegistrationConverterTest.cls"):
        apex = files[SRC + "classes/" + cls].decode()
        assert _apex_structure_problems(apex) == [], cls
        assert "Acme * / Partners' \\ Program" in apex
    apex = files[SRC + "classes/DealRegistrationConverter.cls"].decode()
    assert "CONVERTED_STATUS = 'Partner\\'s \\\\ Closed */ ok';" in apex


def test_a_converted_status_with_a_line_break_is_rejected(tmp_path: Path) -> None:
    specs = _copy(tmp_path, PROGRAMS / "dealreg_custom")
    edit_spec(specs / "deal_registration.yml", "converted_status: Partner's Closed",
              'converted_status: "Closed\\nConverted"')
    assert "PRM-V128" in _codes(specs)


def test_one_result_per_request_in_order_and_chunks_of_at_most_100(custom) -> None:
    apex = custom[SRC + "classes/DealRegistrationConverter.cls"].decode()
    invocable = _method(apex, "public static List<Result> convert(")
    loop = _method(invocable, "for (Request r : requests)")
    assert "results.add(result);" in loop and "continue" not in loop, "every request gets its result, in order"
    assert "private static final Integer CHUNK_SIZE = 100;" in apex
    assert "for (List<Id> chunk : chunks(ids, CHUNK_SIZE))" in _method(apex, "private static Map<Id, Id> convertNow(")
    chunks = _method(apex, "private static List<List<Id>> chunks(")
    assert "Math.min(start + size, ids.size())" in chunks
    test = custom[SRC + "classes/DealRegistrationConverterTest.cls"].decode()
    assert "System.assertEquals(second.Id, results[0].leadId);" in test
    assert "System.assertEquals(first.Id, results[2].leadId);" in test


def test_the_converted_status_is_the_api_name(custom) -> None:
    apex = custom[SRC + "classes/DealRegistrationConverter.cls"].decode()
    status = _method(apex, "private static String convertedStatus(")
    assert "SELECT ApiName, MasterLabel FROM LeadStatus WHERE IsConverted = true" in status
    assert "return s.ApiName;" in status and "return converted[0].ApiName;" in status
    assert ".MasterLabel;" not in status


def test_test_data_needing_a_role_is_created_by_a_user_with_one(custom, example) -> None:
    for files in (custom, example):
        test = files[SRC + "classes/DealRegistrationConverterTest.cls"].decode()
        assert "UserRoleId = role.Id" in test
        for body in re.findall(r"@IsTest\s+static void \w+\(\) \{(.*?)\n    \}\n", test, re.S):
            if "partnerAccount()" in body:
                assert "System.runAs(" in body, "partner accounts need an owner with a role"


# --- item 8: fault paths ------------------------------------------------------------------

FAULTABLE = ("actionCalls", "recordUpdates", "recordCreates", "recordDeletes", "recordLookups")


def _missing_fault_paths(flow: etree._Element) -> list[str]:
    """Lightning Flow Scanner's MissingFaultPath: every action or DML element needs a fault
    connector unless it is itself the target of one (record updates of before-save flows
    are exempt)."""
    before_save = _text(flow, "m:start/m:triggerType") == ["RecordBeforeSave"]
    targets = set(_text(flow, ".//m:faultConnector/m:targetReference"))
    missing = []
    for kind in FAULTABLE:
        for el in flow.findall(f"m:{kind}", NS):
            name = el.findtext("m:name", namespaces=NS)
            if before_save and kind == "recordUpdates":
                continue
            if el.find("m:faultConnector", NS) is None and name not in targets:
                missing.append(name)
    return missing


def test_every_deal_registration_flow_has_fault_paths(custom, example) -> None:
    checked = 0
    for files in (custom, example):
        for rel in files:
            if rel.startswith("flows/Deal_Registration_"):
                assert _missing_fault_paths(etree.fromstring(files[rel])) == [], rel
                checked += 1
    assert checked == 6  # lifecycle + stamp in both, expiry and the QBR funnel-dates stamp in the example


def test_the_apex_tests_exercise_the_record_triggered_flows(example) -> None:
    test = example[SRC + "classes/DealRegistrationConverterTest.cls"].decode()
    assert "onlyPartnerRegisteredLeadsBecomeDraftRegistrations" in test
    assert "FROM ProcessInstance WHERE TargetObjectId = :l.Id" in test
    assert "partner.Partner_Tier__c = 'Gold';" in test, "the partner's tier lets the submission pass validation"


# --- item 9: only partner-registered leads are registrations -------------------------------

def test_the_status_has_no_default_and_drafts_only_partner_leads(example, custom) -> None:
    for files, partner in ((example, "PartnerAccountId"), (custom, "Registering_Partner__c")):
        field = _xml(files, "objects/Lead/fields/Registration_Status__c.field-meta.xml")
        assert "true" not in _text(field, ".//m:value/m:default"), "no lead defaults to Draft"
        stamp = _xml(files, "flows/Deal_Registration_Stamp.flow-meta.xml")
        formulas = dict(zip(_text(stamp, "m:formulas/m:name"), _text(stamp, "m:formulas/m:expression")))
        assert formulas["RegistrationStatus"] == (
            'IF(ISBLANK(TEXT({!$Record.Registration_Status__c})) && '
            f'(NOT(ISBLANK({{!$Record.{partner}}})) || (ISNEW() && {{!$User.UserType}} = "PowerPartner")), '
            '"Draft", TEXT({!$Record.Registration_Status__c}))')
        lifecycle = _xml(files, "flows/Deal_Registration_Lifecycle.flow-meta.xml")
        assert _text(lifecycle, "m:start/m:filters/m:field") == [partner]
        assert _text(lifecycle, "m:start/m:filters/m:operator") == ["IsNull"]
        assert _text(lifecycle, "m:start/m:filters/m:value/m:booleanValue") == ["false"]


def test_a_status_default_is_rejected(tmp_path: Path) -> None:
    specs = _copy(tmp_path, PROGRAMS / "dealreg_custom")
    edit_spec(specs / "deal_registration.yml", "\n  fields:\n",
              "\n  fields:\n    status:\n      api_name: Registration_Status__c\n      label: Registration Status\n"
              "      values: [Draft, Submitted, Approved, Rejected, Expired, Converted]\n      default: Draft\n")
    assert "PRM-V131" in _codes(specs)


# --- item 15: the channel-conflict rule sees active registrations only ---------------------

def test_the_match_key_is_stamped_on_active_registrations_only(example) -> None:
    stamp = _xml(example, "flows/Deal_Registration_Stamp.flow-meta.xml")
    formulas = dict(zip(_text(stamp, "m:formulas/m:name"), _text(stamp, "m:formulas/m:expression")))
    assert formulas["MatchKey"].startswith(
        'IF((ISPICKVAL({!$Record.Registration_Status__c}, "Submitted") || '
        'ISPICKVAL({!$Record.Registration_Status__c}, "Approved")) && NOT(ISBLANK({!$Record.Email})), ')
    assert formulas["MatchKey"].endswith(', "")'), "every other lead gets a blank key"
    rule = _xml(example, "duplicateRules/Lead.Deal_Reg_Channel_Conflict.duplicateRule-meta.xml")
    items = rule.findall("m:duplicateRuleFilter/m:duplicateRuleFilterItems", NS)
    assert [(i.findtext("m:table", namespaces=NS), i.findtext("m:field", namespaces=NS),
             i.findtext("m:value", namespaces=NS)) for i in items] == [
        ("User", "UserType", "PowerPartner"), ("Lead", "Registration_Status__c", "Submitted,Approved")]
    matching = _xml(example, "matchingRules/Lead.matchingRule-meta.xml")
    assert "NullNotAllowed" in _text(matching, ".//m:matchingRuleItems[m:fieldName='Email_Domain__c']"
                                               "/m:blankValueBehavior")


def test_a_matching_rule_without_the_match_key_is_rejected(tmp_path: Path) -> None:
    specs = _copy(tmp_path, PROGRAMS / "dealreg_custom")
    edit_spec(specs / "deal_registration.yml", "          - field: Email_Domain__c\n", "          - field: Email\n")
    assert "PRM-V129" in _codes(specs)


# --- item 18: rule order after the org's own rules -----------------------------------------

def test_duplicate_rules_are_numbered_after_the_orgs_own(example, tmp_path: Path) -> None:
    rule = _xml(example, "duplicateRules/Lead.Deal_Reg_Channel_Conflict.duplicateRule-meta.xml")
    assert _text(rule, "m:sortOrder") == ["2"]
    specs = _copy(tmp_path, ROOT / "specs")
    edit_spec(specs / "deal_registration.yml", "existing_org_rules: 1", "existing_org_rules: 3")
    files = _compile(specs)
    assert _text(_xml(files, "duplicateRules/Lead.Deal_Reg_Channel_Conflict.duplicateRule-meta.xml"),
                 "m:sortOrder") == ["4"]
    edit_spec(specs / "deal_registration.yml", "existing_org_rules: 3", "existing_org_rules: 4")
    assert "PRM-V130" not in _codes(specs)  # 4 of the org's + 1 generated = the platform's 5
    edit_spec(specs / "deal_registration.yml", "    duplicate_rules:\n",
              "    duplicate_rules:\n      - name: Second_Rule\n        label: Second Rule\n")
    assert "PRM-V130" in _codes(specs)


# --- item 20: docs with a custom partner lookup --------------------------------------------

def test_docs_build_with_a_custom_partner_lookup(tmp_path: Path) -> None:
    specs = _copy(tmp_path, ROOT / "specs")
    edit_spec(specs / "deal_registration.yml", "kind: standard", "kind: custom")
    result = api.docs(specs, tmp_path / "docs", as_of=TODAY)
    page = (tmp_path / "docs" / "markdown" / "data-model.md")
    assert result is not None and page.is_file()
    text = page.read_text()
    assert "Lead" in text and "Partner_Account__c" in text
