"""External ids the partner roster upserts on (`prm partners apply`).

Account.PRM_Partner_Id__c holds the roster's partner id and Contact.PRM_Roster_Key__c the
user's email (lower case): with them, applying the roster twice changes nothing and a
renamed company is updated, never created twice. Unique + externalId: the Metadata API's
CustomField `externalId` and `unique` (Text fields), which upserts match on.
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec
from prm_builder.ops.state import ACCOUNT_KEY, CONTACT_KEY


def _key(length: int) -> dict:
    return {"type": "Text", "length": length, "required": False, "unique": True, "caseSensitive": False,
            "externalId": True}


def generate(spec: ProgramSpec) -> Iterator[Component]:
    source = spec.program.ref()
    yield f.field_component(
        "Account", ACCOUNT_KEY, "Partner Id", _key(40), source=source,
        purpose="Roster key of a partner account: prm partners apply upserts accounts on it.",
        description="Stable partner id from the partner roster (roster/partners.yml); set by prm partners apply.")
    yield f.field_component(
        "Contact", CONTACT_KEY, "Roster Key", _key(80), source=source,
        purpose="Roster key of a partner user's contact (the email, lower case): contacts are upserted on it.",
        description="Partner user's email from the partner roster, lower case; set by prm partners apply.")
