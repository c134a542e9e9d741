"""Rules over the `performance` section (QBR data model, health score, reports)."""

from __future__ import annotations

import re
from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.performance.catalogue import BY_KEY, OBJECTS, engagement_enabled
from prm_builder.validate.field_checks import field_spec_problems
from prm_builder.validate.names import api_name_problem
from prm_builder.validate.registry import ValidationContext, error, rule

#: Data a score component reads: (engagement objects any of which feeds it, needs a target)
COMPONENT_SOURCES = {"revenue": ((), True), "pipeline": ((), True),
                     "engagement": (("activity", "training", "events"), False),
                     "csat": (("surveys",), False), "deal_velocity": ((), False)}
#: Quartz cron as System.schedule takes it: 6 or 7 fields of digits, names and * ? , - / L W #
CRON = re.compile(r"^[0-9A-Za-z*?,\-/#]+( [0-9A-Za-z*?,\-/#]+){5,6}$")


@rule("PRM-V600", "health-weights-sum-100", needs={"performance"})
def weights_sum(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The health score is out of 100 points: the weights of its components must add up to
    exactly 100, or a perfect partner would score more or less than 100."""
    perf = ctx.spec.performance
    if perf is None or perf.health_score is None:
        return
    comps = perf.health_score.components
    total = sum(c.weight for c in comps.values())
    if total != 100:
        parts = ", ".join(f"{n} {c.weight}" for n, c in comps.items())
        yield error("PRM-V600", f"health score weights add up to {total}, not 100 ({parts})",
                    perf.health_score.key_ref("components") or perf.key_ref("health_score"),
                    "change the weights so they add up to 100")


@rule("PRM-V601", "health-bands-order", needs={"performance"})
def bands_order(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Bands are Healthy (score >= healthy), Watch (>= watch), At Risk (below): the watch
    threshold must be below the healthy one, or the Watch band is empty."""
    perf = ctx.spec.performance
    if perf is None or perf.health_score is None:
        return
    bands = perf.health_score.bands
    if bands.watch >= bands.healthy:
        yield error("PRM-V601", f"band threshold watch ({bands.watch:g}) is not below healthy ({bands.healthy:g})",
                    bands.ref("watch"), "set watch below healthy, e.g. healthy: 70, watch: 50")


@rule("PRM-V602", "performance-names", needs={"performance"})
def names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Generated Account fields, engagement objects and metric field overrides need valid
    custom names ('__c', at most 40 characters before it), labels of at most 40 characters,
    and names of their own (also distinct from the partner_account fields)."""
    perf = ctx.spec.performance
    if perf is None:
        return
    acc = perf.account
    fields = [f for f in (acc.partner_manager, acc.region, acc.quarterly_target, acc.renewal_risk,
                          acc.new_partner) if f is not None]
    yield from field_spec_problems(list(ctx.spec.partner_account.all_fields()) + fields, code="PRM-V602",
                                   what="Account", example="Partner_Region__c", skip_existing=True)
    for key in OBJECTS:
        obj = getattr(perf.engagement, key)
        if obj.api_name is not None:
            problem = api_name_problem(obj.api_name, custom_suffix="__c")
            if problem:
                yield error("PRM-V602", f"object name '{obj.api_name}' {problem}", obj.ref("api_name"),
                            "use a custom object name such as Partner_Training__c")
    for key, name in perf.metric_fields.items():
        problem = api_name_problem(name, custom_suffix="__c")
        if problem:
            yield error("PRM-V602", f"metric field name '{name}' {problem}", perf.ref("metric_fields", key),
                        "use a custom field name such as Closed_Won_This_Quarter__c")
    for name in (perf.health_score.score_field, perf.health_score.band_field) if perf.health_score else ():
        problem = api_name_problem(name, custom_suffix="__c")
        if problem:
            yield error("PRM-V602", f"health score field name '{name}' {problem}", perf.ref("health_score"),
                        "use a custom field name such as Partner_Health_Score__c")


@rule("PRM-V603", "metric-keys-known", needs={"performance"})
def metric_keys(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`metric_fields` renames metrics of the catalogue by key; an unknown key is a typo
    that would silently keep the default name."""
    perf = ctx.spec.performance
    if perf is None:
        return
    for key in perf.metric_fields:
        if key not in BY_KEY:
            yield error("PRM-V603", f"metric_fields names unknown metric '{key}'", perf.key_ref_at("metric_fields", key),
                        f"use one of: {', '.join(sorted(BY_KEY))}")


@rule("PRM-V604", "certification-metric-replaced", needs={"performance", "partner_account"})
def replaced_metric(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`engagement.certifications.replaces_metric` turns a typed-in tier qualification metric
    into the roll-up count of active certifications: it must name a metric of
    partner_account.metrics that prm generates (a field living in the org cannot become a roll-up)."""
    perf = ctx.spec.performance
    if perf is None or not perf.engagement.certifications.enabled:
        return
    cert = perf.engagement.certifications
    name = cert.replaces_metric
    if name is None:
        return
    metric = ctx.spec.partner_account.metrics.get(name)
    if metric is None:
        yield error("PRM-V604", f"replaces_metric '{name}' is not a metric of partner_account.metrics",
                    cert.ref("replaces_metric"),
                    f"use one of: {', '.join(sorted(ctx.spec.partner_account.metrics)) or '(none)'}, or null")
    elif not metric.generate:
        yield error("PRM-V604", f"metric '{name}' lives in the org (generate: false): prm cannot turn it into a "
                    "roll-up of active certifications", cert.ref("replaces_metric"),
                    "set replaces_metric: null, or let prm generate the metric field")


@rule("PRM-V605", "health-component-data", needs={"performance"})
def component_data(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A score component needs its data: revenue and pipeline divide by the quarterly target,
    engagement counts activities, trainings and events, CSAT averages survey responses.
    Switching the source off leaves the component unscorable for every partner."""
    perf = ctx.spec.performance
    if perf is None or perf.health_score is None:
        return
    for name in perf.health_score.components:
        objects, needs_target = COMPONENT_SOURCES[name]
        ref = perf.health_score.key_ref_at("components", name)
        if needs_target and perf.account.quarterly_target is None:
            yield error("PRM-V605", f"score component '{name}' divides by the quarterly revenue target, which is "
                        "switched off", ref, "restore performance.account.quarterly_target, or drop the component")
        if objects and not any(engagement_enabled(perf, o) for o in objects):
            yield error("PRM-V605", f"score component '{name}' reads {' / '.join(objects)}, all switched off", ref,
                        f"enable one of engagement.{', engagement.'.join(objects)}, or drop the component")


@rule("PRM-V606", "health-job-names", needs={"performance"})
def job_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The job class name becomes Apex source and a file name, and the cron expression goes
    into System.schedule: the class name must be a developer name and the expression a
    Quartz cron of 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year])."""
    perf = ctx.spec.performance
    if perf is None or perf.health_score is None:
        return
    hs = perf.health_score
    problem = api_name_problem(hs.job_class)
    if problem:
        yield error("PRM-V606", f"job class name '{hs.job_class}' {problem}", hs.ref("job_class"),
                    "use a name such as PartnerHealthScoreJob")
    if not CRON.match(hs.schedule_cron):
        yield error("PRM-V606", f"schedule_cron '{hs.schedule_cron}' is not a 6- or 7-field cron expression",
                    hs.ref("schedule_cron"), "use e.g. '0 0 2 * * ?' (daily at 02:00)")


@rule("PRM-V607", "report-folder-audience", needs={"performance", "org", "tiers", "groups"})
def folder_audience(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Report folders are shared with public groups and roles: each must be a group prm
    generates (a tier group or one of the `groups` section) or be listed under org.groups /
    org.roles, and folder names are developer names."""
    perf = ctx.spec.performance
    if perf is None or not perf.reports.enabled:
        return
    groups = set(ctx.spec.org.groups) | {t.group_name for t in ctx.spec.tiers} | {g.name for g in ctx.spec.groups}
    roles = set(ctx.spec.org.roles)
    seen: dict[str, object] = {}
    for audience, folder in perf.reports.folders.items():
        problem = api_name_problem(folder.name)
        if problem:
            yield error("PRM-V607", f"report folder name '{folder.name}' {problem}", folder.ref("name"),
                        "use a developer name such as PRM_Leadership")
        if folder.name.lower() in seen or folder.name.lower() == perf.reports.partner_folder.lower():
            yield error("PRM-V607", f"report folder '{folder.name}' is named twice", folder.ref("name"),
                        "give each audience its own folder")
        seen[folder.name.lower()] = audience
        for i, g in enumerate(folder.groups):
            if g not in groups:
                yield error("PRM-V607", f"report folder '{folder.name}' is shared with unknown group '{g}'",
                            folder.ref("groups", i), f"add '{g}' to the groups section, list it under org.groups, or use a tier group")
        for i, r in enumerate(folder.roles):
            if r not in roles:
                yield error("PRM-V607", f"report folder '{folder.name}' is shared with unknown role '{r}'",
                            folder.ref("roles", i), f"list '{r}' under org.roles")
