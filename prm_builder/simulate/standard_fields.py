"""Types of the standard fields prm's generated metadata reads (the org model only holds the
custom fields the metadata defines). Source: the Salesforce Object Reference (Lead, Account,
Opportunity, PartnerFundAllocation, PartnerFundRequest, PartnerFundClaim)."""

from __future__ import annotations

# object -> field -> (type, referenceTo or "")
STANDARD_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "Lead": {
        "Id": ("Id", ""), "Name": ("Text", ""), "FirstName": ("Text", ""), "LastName": ("Text", ""),
        "Company": ("Text", ""), "Email": ("Email", ""), "Country": ("Text", ""), "State": ("Text", ""),
        "City": ("Text", ""), "PostalCode": ("Text", ""), "Status": ("Picklist", ""),
        "LeadSource": ("Picklist", ""), "Industry": ("Picklist", ""), "OwnerId": ("Lookup", "User"),
        "PartnerAccountId": ("Lookup", "Account"), "IsConverted": ("Checkbox", ""),
        "CreatedById": ("Lookup", "User"), "AnnualRevenue": ("Currency", ""),
    },
    "Account": {
        "Id": ("Id", ""), "Name": ("Text", ""), "IsPartner": ("Checkbox", ""),
        "OwnerId": ("Lookup", "User"), "BillingCountry": ("Text", ""), "Website": ("Url", ""),
    },
    "Opportunity": {
        "Id": ("Id", ""), "Name": ("Text", ""), "Amount": ("Currency", ""), "StageName": ("Picklist", ""),
        "CloseDate": ("Date", ""), "PartnerAccountId": ("Lookup", "Account"), "OwnerId": ("Lookup", "User"),
        "AccountId": ("Lookup", "Account"), "IsClosed": ("Checkbox", ""), "IsWon": ("Checkbox", ""),
    },
    "PartnerFundAllocation": {
        "Id": ("Id", ""), "Title": ("Text", ""), "Amount": ("Currency", ""),
        "ChannelPartnerId": ("Lookup", "Account"), "TotalApprovedFrs": ("Currency", ""),
        "TotalApprovedFcs": ("Currency", ""), "TotalReimbursedFcs": ("Currency", ""),
        "OwnerId": ("Lookup", "User"),
    },
    "PartnerFundRequest": {
        "Id": ("Id", ""), "Title": ("Text", ""), "Status": ("Picklist", ""),
        "RequestedAmount": ("Currency", ""), "Amount": ("Currency", ""),
        "AllocationId": ("Lookup", "PartnerFundAllocation"), "ChannelPartnerId": ("Lookup", "Account"),
        "OwnerId": ("Lookup", "User"),
    },
    "PartnerFundClaim": {
        "Id": ("Id", ""), "Title": ("Text", ""), "Status": ("Picklist", ""), "Amount": ("Currency", ""),
        "RequestId": ("Lookup", "PartnerFundRequest"), "ChannelPartnerId": ("Lookup", "Account"),
        "OwnerId": ("Lookup", "User"),
    },
}

# Standard relationship names (the formula path segment) -> the lookup field.
STANDARD_RELATIONSHIPS: dict[str, dict[str, str]] = {
    "Lead": {"PartnerAccount": "PartnerAccountId", "Owner": "OwnerId"},
    "Opportunity": {"PartnerAccount": "PartnerAccountId", "Account": "AccountId"},
    "PartnerFundRequest": {"Allocation": "AllocationId", "ChannelPartner": "ChannelPartnerId"},
    "PartnerFundClaim": {"Request": "RequestId", "ChannelPartner": "ChannelPartnerId"},
    "PartnerFundAllocation": {"ChannelPartner": "ChannelPartnerId"},
}

# Fields every custom object has (Metadata API: CustomObject standard fields).
CUSTOM_OBJECT_FIELDS: dict[str, tuple[str, str]] = {
    "Id": ("Id", ""), "Name": ("Text", ""), "OwnerId": ("Lookup", "User"), "CreatedById": ("Lookup", "User"),
    "CreatedDate": ("DateTime", ""), "LastModifiedDate": ("DateTime", ""),
}
