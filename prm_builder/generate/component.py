"""A component: one piece of Salesforce metadata, with where it came from and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from prm_builder.errors import SourceRef
from prm_builder.metadata.serializer import Body


@dataclass(frozen=True)
class Component:
    type: str
    """Metadata API type, e.g. 'CustomField'."""
    full_name: str
    """e.g. 'Account.Partner_Tier__c' (object children carry their object's name)."""
    body: Body
    """Element values; the serializer puts them in schema order."""
    purpose: str
    """One sentence for the configuration guide: why this component exists."""
    source: SourceRef | None
    """The spec line it came from."""
    references: tuple[str, ...] = ()
    """Things this component points to, as 'Type:FullName' (e.g. 'CustomField:Account.X__c');
    each must be generated too or declared in the `org` section."""
    reference_sources: dict[str, SourceRef | None] = field(default_factory=dict, compare=False, hash=False)
    """Where in the specs a reference was written, when that is not `source` itself."""
    deploy_step: str = "metadata"
    """Which deploy step sends it (e.g. 'metadata', 'sharing', 'activate-duplicate-rules')."""
    content: bytes | None = None
    """Body file for types that have one (ApexClass .cls, EmailTemplate .email)."""
    notes: tuple[str, ...] = field(default=())
    """Things the build output should tell the user about this component."""

    @property
    def key(self) -> str:
        return f"{self.type}:{self.full_name}"
