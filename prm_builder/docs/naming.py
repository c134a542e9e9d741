"""How the package names things for people: field and object labels instead of API names,
and one money format (the program's currency) for every amount on every page.

`Naming` is built once per package from the generated components; `naming_for(...)` makes
it the current one while the pages are built, so every caller of the criteria readers in
sections/common.py (tables and diagrams alike) writes the same labels and amounts without
threading it through each call.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator

from prm_builder.generate.component import Component
from prm_builder.simulate.standard_fields import CUSTOM_OBJECT_FIELDS, STANDARD_FIELDS

#: field types whose values are amounts of money
MONEY_TYPES = frozenset({"Currency"})
#: standard fields whose Setup label is not their API name split into words
STANDARD_LABELS = {"PartnerAccountId": "Partner Account", "OwnerId": "Owner", "CreatedById": "Created By",
                   "StageName": "Stage", "IsPartner": "Partner", "IsConverted": "Converted",
                   "ChannelPartnerId": "Channel Partner", "AllocationId": "Allocation", "RequestId": "Request",
                   "TotalApprovedFrs": "Total Approved Fund Requests", "TotalApprovedFcs": "Total Approved Fund Claims",
                   "TotalReimbursedFcs": "Total Reimbursed Fund Claims", "Id": "Record ID"}
STANDARD_OBJECTS = {"PartnerFundAllocation": "Partner Fund Allocation", "PartnerFundRequest": "Partner Fund Request",
                    "PartnerFundClaim": "Partner Fund Claim"}


def format_money(amount: float, currency: str) -> str:
    """The one money format of the package: thousands separators, cents only when there are
    any, the ISO currency after the number ('50,000 USD', '1,234.50 EUR')."""
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{text} {currency}"


def words(api_name: str) -> str:
    """'Partner_Tier__c' -> 'Partner Tier', 'AnnualRevenue' -> 'Annual Revenue' (no label known)."""
    base = re.sub(r"__(c|mdt|r)$", "", api_name).replace("_", " ")
    base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", base)
    return re.sub(r"\s+", " ", base).strip() or api_name


@dataclass
class Naming:
    currency: str
    #: 'Lead.Deal_Amount__c' -> (label, type) of every generated custom field
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: 'MDF_Claim__c' -> label of every generated custom object
    objects: dict[str, str] = field(default_factory=dict)
    #: 'MDF_Request__c.MDF_Budget__c' -> 'MDF_Budget__c': the object a lookup / master-detail points to
    targets: dict[str, str] = field(default_factory=dict)
    #: 'Account.Commission_Liability__c' -> 'Commission__c.Net_Amount__c': a sum/min/max roll-up
    #: has the type of the field it summarizes (a count is a number)
    summarized: dict[str, str] = field(default_factory=dict)
    #: 'Deal_Reg_Review' -> 'Deal Registration Review': the label of every generated queue
    queues: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, components: list[Component], currency: str) -> "Naming":
        naming = cls(currency)
        for c in components:
            if c.type == "CustomField":
                naming.fields[c.full_name] = (str(c.body.get("label") or words(c.full_name.split(".", 1)[1])),
                                              str(c.body.get("type", "")))
                if c.body.get("referenceTo"):
                    naming.targets[c.full_name] = str(c.body["referenceTo"])
                if c.body.get("summarizedField") and c.body.get("summaryOperation") != "count":
                    naming.summarized[c.full_name] = str(c.body["summarizedField"])
            elif c.type == "CustomObject" and c.body.get("label"):
                naming.objects[c.full_name] = str(c.body["label"])
            elif c.type == "Queue" and c.body.get("name"):  # a queue's label is its <name>
                naming.queues[c.full_name] = str(c.body["name"])
        return naming

    def object(self, name: str) -> str:
        return self.objects.get(name) or STANDARD_OBJECTS.get(name) or words(name)

    def field(self, full_name: str, *, with_object: bool = False) -> str:
        """The label of 'Object.Field' (or a bare field name); 'Object: label' with with_object."""
        obj, _, name = full_name.rpartition(".")
        known = self.fields.get(full_name)
        label = known[0] if known else STANDARD_LABELS.get(name) or words(name)
        return f"{self.object(obj)}: {label}" if with_object and obj else label

    def queue(self, developer_name: str, *, with_api_name: bool = True) -> str:
        """'Deal Registration Review (Deal_Reg_Review)': the label people see, the name admins search."""
        label = self.queues.get(developer_name)
        if not label or label == developer_name:
            return developer_name
        return f"{label} ({developer_name})" if with_api_name else label

    def target(self, full_name: str) -> str:
        """The object a generated relationship field points to ('' when not one)."""
        return self.targets.get(full_name, "")

    def field_type(self, full_name: str) -> str:
        if full_name in self.summarized:
            return self.field_type(self.summarized[full_name])
        if full_name in self.fields:
            return self.fields[full_name][1]
        obj, _, name = full_name.rpartition(".")
        standard = STANDARD_FIELDS.get(obj, {}).get(name) or CUSTOM_OBJECT_FIELDS.get(name)
        return standard[0] if standard else ""

    def is_money(self, full_name: str) -> bool:
        return self.field_type(full_name) in MONEY_TYPES

    def money(self, amount: float) -> str:
        return format_money(amount, self.currency)

    def value(self, full_name: str, value: str, operation: str = "equals") -> str:
        """A criteria value as people read it: amounts of a money field in the money format;
        an `equals` list ('United States,Canada': any of them matches) joined with 'or'."""
        if self.is_money(full_name):
            try:
                return self.money(float(value))
            except ValueError:
                return value
        parts = [p.strip() for p in value.split(",")]
        if len(parts) > 1 and all(parts):
            return (" or " if operation == "equals" else ", ").join(parts)
        return value


_CURRENT: ContextVar[Naming | None] = ContextVar("prm_docs_naming", default=None)


def current() -> Naming | None:
    """The naming of the package being built (None outside a build: API names, raw values)."""
    return _CURRENT.get()


@contextmanager
def naming_for(naming: Naming) -> Iterator[Naming]:
    token = _CURRENT.set(naming)
    try:
        yield naming
    finally:
        _CURRENT.reset(token)
