"""Scenarios derived from the specs alone: the boundary cases a tester would write.

- every approval threshold of every deal-registration route at one below, equal and one
  above, each approved through every step it reaches, and a rejection at every step;
- a tier without deal registration is refused at submission;
- every push queue (tier x territory x product) receives its leads, a lead outside every
  territory reaches the fallback, and no partner of another tier sees a routed lead;
- the pool per tier: visible to that tier and the tiers above it, to no tier below;
- every content category x tier: read for entitled tiers (with inheritance), none otherwise;
- every registration status a submission may and may not start from;
- the acceptance SLA per push queue: still there one hour before the deadline, moved on after it.

The expectations come from what the specs state, not from the generator's output, so a
generator (or hand edit) that routes, shares or approves differently fails them.
"""

from __future__ import annotations

from typing import Any

from prm_builder.model.root import ProgramSpec
from prm_builder.model.scenarios import Scenario

Gen = list[Scenario]


def generate(spec: ProgramSpec) -> Gen:
    out: Gen = []
    out += _approvals(spec)
    out += _routing(spec)
    out += _pool(spec)
    out += _content(spec)
    out += _status_transitions(spec)
    return out


def _sc(**data: Any) -> Scenario:
    data.setdefault("tags", []).append("generated")
    return Scenario.model_validate(data)


def _approver_persona(spec: ProgramSpec, approver) -> dict:
    if approver.kind == "user":
        return {"role": "channel_manager", "user": approver.name}
    if approver.kind == "named_user":  # the username the build gives it (the default org's)
        return {"role": "channel_manager", "user": spec.org.named_username(approver.name)}
    if approver.kind == "queue":
        dr = spec.deal_registration
        q = next((q for q in (dr.queues if dr else []) if q.name == approver.name), None)
        return {"role": "channel_manager", "groups": list(q.members.groups) if q else []}
    return {"role": "channel_manager", "groups": [approver.name]}


def _registration(spec: ProgramSpec, tier: str, amount: float | None, status: str = "Submitted") -> dict:
    dr = spec.deal_registration
    assert dr is not None
    f = dr.fields
    fields: dict[str, Any] = {"LastName": "Boundary", "Company": "Generated Co",
                              f.close_date.api_name: "2027-06-30", dr.partner_lookup.lead_api_name(): f"@account:{tier}",
                              f.status.api_name: status}
    if amount is not None:
        fields[f.amount.api_name] = amount
    return {"object": "Lead", "fields": fields}


def _approvals(spec: ProgramSpec) -> Gen:
    out: Gen = []
    dr = spec.deal_registration
    if dr is not None:
        status = dr.fields.status.api_name
        out += _route_scenarios(spec, dr.approval.routes, status,
                                lambda tier, amount: _registration(spec, tier, amount))
        routed = {t for r in dr.approval.routes for t in r.tiers}
        for tier in spec.tiers:
            if tier.features.deal_registration or tier.name in routed or tier.developer_name in routed:
                continue
            out.append(_sc(
                name=f"generated: a {tier.developer_name} registration is refused at submission",
                persona="admin", record=_registration(spec, tier.developer_name, 1000),
                steps=[{"action": "create", "expect": {"allowed": False}}]))
    mdf = spec.mdf
    if mdf is not None and mdf.model == "custom":
        # Budgets are set by the program, not by partners: partners read every budget field.
        tiers = [t for t in spec.tiers if t.features.mdf]
        budget = _mdf_request(tiers[0].developer_name, 1)["parent"] if tiers else {"Name": "Sample"}
        out.append(_sc(
            name="generated: partners read every MDF budget field and edit none", persona="admin",
            record={"object": "MDF_Budget__c", "fields": budget},
            expect={"field_access": [{"persona": {"role": "partner_user", "tier": t.developer_name},
                                      "field": "MDF_Budget__c.*", "access": "read"} for t in tiers]}))
    if mdf is not None and mdf.model == "custom" and mdf.request_approval is not None:
        out += _route_scenarios(spec, mdf.request_approval.routes, "Status__c",
                                lambda tier, amount: _mdf_request(tier, amount))
    return out


def _mdf_request(tier: str, amount: float) -> dict:
    # The budget carries an explicit allocation so the request stays within the remaining budget
    # whatever the tier's default allocation is (the thresholds are what is tested here).
    return {"object": "MDF_Request__c", "via": "MDF_Budget__c",
            "parent": {"Name": f"{tier} FY27", "Partner_Account__c": f"@account:{tier}", "Partner_Tier__c": tier,
                       "Period_Start__c": "2027-01-01", "Period_End__c": "2027-12-31",
                       "Allocation_Override__c": 10000000},
            "fields": {"Name": "Generated activity", "Activity_Type__c": "Event", "Start_Date__c": "2027-03-01",
                       "End_Date__c": "2027-03-02", "Requested_Amount__c": amount, "Status__c": "Submitted"}}


def _route_scenarios(spec: ProgramSpec, routes, status: str, record) -> Gen:
    out: Gen = []
    for route in routes:
        thresholds = [route.auto_approve_below] + [s.min_amount for s in route.steps]
        points = sorted({t for t in thresholds if t is not None})
        amounts = sorted({a for t in points for a in (t - 1, t, t + 1) if a >= 0}) or [1000.0]
        for tier_name in route.tiers:
            tier = spec.tier(tier_name)
            tier_api = tier.developer_name if tier else tier_name
            for amount in amounts:
                reached = []
                for i, step in enumerate(route.steps):
                    threshold = route.auto_approve_below if i == 0 and route.auto_approve_below is not None \
                        else step.min_amount
                    if threshold is not None and amount < threshold:
                        break
                    reached.append(step)
                steps: list[dict] = [{"action": "create"}, {"action": "submit"}]
                for step in reached:
                    steps.append({"action": "approve", "step": step.name,
                                  "as": _approver_persona(spec, step.approvers[0])})
                out.append(_sc(
                    name=f"generated: {route.name} {tier_api} amount {amount:g} is approved after "
                         f"{[s.name for s in reached] or 'no step'}",
                    persona="admin", record=record(tier_api, amount), steps=steps,
                    expect={"approval": {"process": route.name, "steps": [s.name for s in reached],
                                         "status": "Approved"},
                            "fields": {status: "Approved"}}))
            # A rejection at every step reaches Rejected.
            top = max(points) if points else 1000.0
            for i, step in enumerate(route.steps):
                steps = [{"action": "create"}, {"action": "submit"}]
                steps += [{"action": "approve", "as": _approver_persona(spec, s.approvers[0])}
                          for s in route.steps[:i]]
                steps.append({"action": "reject", "step": step.name, "as": _approver_persona(spec, step.approvers[0])})
                final = "Rejected" if step.on_reject == "reject" or i == 0 else "Pending"
                out.append(_sc(
                    name=f"generated: {route.name} {tier_api} rejected at {step.name}",
                    persona="admin", record=record(tier_api, top), steps=steps,
                    expect={"approval": {"status": final}, **({"fields": {status: "Rejected"}}
                                                              if final == "Rejected" else {})}))
            # Someone who is not an approver cannot approve.
            out.append(_sc(
                name=f"generated: {route.name} {tier_api} cannot be approved by a partner",
                persona="admin", record=record(tier_api, top),
                steps=[{"action": "create"}, {"action": "submit"},
                       {"action": "approve", "as": {"role": "partner_user", "tier": tier_api},
                        "expect": {"blocked": {"rule": "not_an_approver"}}}]))
    return out


def _routing(spec: ProgramSpec) -> Gen:
    ld = spec.lead_distribution
    if ld is None or ld.push is None:
        return []
    from prm_builder.generate.lead_routing import plan  # queue names only; expectations come from the spec

    routing = plan(spec)
    if routing is None:
        return []
    out: Gen = []
    product_field = ld.product_interest.field.api_name if ld.product_interest else "Lead_Product_Interest__c"
    queues = [q for q in routing.queues if q.tier is not None and q.territory is not None]
    for q in queues:
        assert q.tier is not None and q.territory is not None
        for value in q.territory.values:
            fields: dict[str, Any] = {"LastName": "Route", "Company": "Generated Co", q.territory.field: value,
                                      ld.tier_field.api_name: q.tier.developer_name}
            label = f"{q.tier.developer_name} {value}"
            if q.products:
                fields[product_field] = q.products[0]
                label += f" {q.products[0]}"
            elif any(o.products and o.tier == q.tier and o.territory == q.territory for o in queues):
                other = [p for p in (ld.product_interest.values if ld.product_interest else [])
                         if not any(p in o.products for o in queues if o.tier == q.tier and o.territory == q.territory)]
                if other:
                    fields[product_field] = other[0]
                    label += f" {other[0]}"
            others = [t for t in spec.tiers if t.developer_name != q.tier.developer_name]
            out.append(_sc(
                name=f"generated: a lead for {label} goes to {q.name}", persona="admin",
                record={"object": "Lead", "fields": fields},
                steps=[{"action": "create", "assignment_rules": True}],
                expect={"owner": q.name,
                        "visible_to": [{"persona": {"role": "partner_user", "tier": t.developer_name},
                                        "access": "none"} for t in others
                                       if not (ld.pool and routing.pool_queue == q.name)]}))
    if ld.sla is not None:
        hours = ld.sla.accept_within_hours
        for q in queues:
            assert q.tier is not None and q.territory is not None
            fields = {"LastName": "Sla", "Company": "Generated Co", q.territory.field: q.territory.values[0],
                      ld.tier_field.api_name: q.tier.developer_name}
            if q.products:
                fields[product_field] = q.products[0]
            out.append(_sc(
                name=f"generated: a lead unaccepted in {q.name} stays {hours - 1} h and moves on after {hours} h",
                persona="admin", record={"object": "Lead", "fields": fields},
                steps=[{"action": "create", "assignment_rules": True, "expect": {"owner": q.name}},
                       {"action": "wait", "hours": hours - 1, "expect": {"owner": q.name}},
                       {"action": "wait", "hours": 2, "expect": {"owner_not": [q.name]}}]))
    fallback = ld.push.fallback_queue or routing.pool_queue
    if fallback and ld.territories:
        tier = queues[0].tier.developer_name if queues and queues[0].tier else None
        fields = {"LastName": "Route", "Company": "Generated Co", ld.territories[0].field: "Atlantis"}
        if tier:
            fields[ld.tier_field.api_name] = tier
        out.append(_sc(name=f"generated: a lead outside every territory goes to {fallback}", persona="admin",
                       record={"object": "Lead", "fields": fields},
                       steps=[{"action": "create", "assignment_rules": True}], expect={"owner": fallback}))
    return out


def _pool(spec: ProgramSpec) -> Gen:
    ld = spec.lead_distribution
    if ld is None or ld.pool is None:
        return []
    pool = ld.pool
    pool_tiers = [spec.tier(t) for t in (pool.tiers or [t.name for t in spec.tiers if t.features.lead_pool])]
    pool_tiers = [t for t in pool_tiers if t is not None]
    out: Gen = []
    for minimum in pool_tiers:
        visible = []
        for t in spec.tiers:
            entitled = t in pool_tiers and t.rank >= minimum.rank
            visible.append({"persona": {"role": "partner_user", "tier": t.developer_name},
                            "access": "edit" if entitled else "none"})
        record: dict[str, Any] = {"object": "Lead", "fields": {"LastName": "Pool", "Company": "Generated Co",
                                                               pool.minimum_tier_field.api_name: minimum.developer_name}}
        if ld.push is not None:
            # With push distribution the assignment rule puts pool leads into the pool queue.
            steps: list[dict] = [{"action": "create", "assignment_rules": True}]
            expect: dict[str, Any] = {"owner": pool.queue, "visible_to": visible}
        else:
            # A pull-only program has no assignment rule: the lead starts in the pool queue.
            record["owner"] = pool.queue
            steps, expect = [{"action": "create"}], {"visible_to": visible}
        out.append(_sc(name=f"generated: a pool lead for {minimum.developer_name} and above is shared by tier",
                       persona="admin", record=record, steps=steps, expect=expect))
    return out


def _content(spec: ProgramSpec) -> Gen:
    if spec.content is None:
        return []
    out: Gen = []
    inherit = spec.sharing.tier_inheritance
    # Partners read content, never change it (the content section shares Read).
    partner_tiers = [t for t in spec.tiers if t.features.co_marketing]
    if partner_tiers:
        out.append(_sc(
            name="generated: partners read every content field and edit none", persona="admin",
            record={"object": "Co_Marketing_Asset__c", "fields": {"Name": "Sample"}},
            expect={"field_access": [{"persona": {"role": "partner_user", "tier": t.developer_name},
                                      "field": "Co_Marketing_Asset__c.*", "access": "read"} for t in partner_tiers]}))
    for cat in spec.content.categories:
        granted = [spec.tier(t) for t in cat.tiers]
        min_rank = min((t.rank for t in granted if t), default=None)
        visible = []
        for t in spec.tiers:
            if not t.features.co_marketing:
                entitled = False
            elif t in granted:
                entitled = True
            else:
                entitled = inherit and min_rank is not None and t.rank > min_rank
            visible.append({"persona": {"role": "partner_user", "tier": t.developer_name},
                            "access": "read" if entitled else "none"})
        for active in (True, False):
            out.append(_sc(
                name=f"generated: {'an active' if active else 'an inactive'} {cat.name} asset by tier",
                persona="admin",
                record={"object": "Co_Marketing_Asset__c",
                        "fields": {"Name": f"{cat.name} sample", "Category__c": cat.name, "Active__c": active}},
                expect={"visible_to": visible if active else [dict(v, access="none") for v in visible]}))
    return out


def _status_transitions(spec: ProgramSpec) -> Gen:
    dr = spec.deal_registration
    if dr is None:
        return []
    routes = dr.approval.routes
    tier = routes[0].tiers[0] if routes else None
    t = spec.tier(tier) if tier else None
    if t is None:
        return []
    status = dr.fields.status.api_name
    out: Gen = []
    may_start = {"Draft", "Rejected", "Expired"}
    for start in ("Draft", "Rejected", "Expired", "Approved", "Converted"):
        out.append(_sc(
            name=f"generated: a registration {'may' if start in may_start else 'may not'} be submitted from {start}",
            persona="admin", record=_registration(spec, t.developer_name, 1000, status=start),
            steps=[{"action": "create"},
                   {"action": "edit", "fields": {status: "Submitted"},
                    "expect": {"allowed": start in may_start}}]))
    return out
