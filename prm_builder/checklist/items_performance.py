"""Checklist items of the `performance` section: the QBR data model and the health score
(C15, C16), and in the org the daily job and the freshness of its scores (L13, L14)."""

from __future__ import annotations

from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, manual, passed, warned
from prm_builder.performance import catalogue as cat

#: partners whose score is older than this many days are stale (the job runs daily)
STALE_AFTER_DAYS = 2
MAX_LISTED = 10


@item("C15", "qbr-data-model", "QBR data requirements generated, not typed in",
      fix="add a `performance` section (see README: performance); keep engagement.certifications.replaces_metric",
      needs={"performance"})
def qbr_data_model(ctx: CheckContext) -> Outcome:
    """Everything a quarterly business review reads (revenue against target, pipeline, the
    deal-registration funnel, MDF use, training and certification, CSAT, engagement) is
    generated and kept current in the org, and the tier qualification metric
    'certifications' is computed from active certifications instead of typed in."""
    perf = ctx.spec.performance
    if perf is None:
        return warned("no `performance` section: QBR figures and tier metrics are typed in by hand")
    metrics = cat.metrics(ctx.spec)
    by_kind: dict[str, list[str]] = {}
    for m in metrics:
        by_kind.setdefault(m.kind, []).append(m.api_name)
    evidence = [f"{kind}: {', '.join(names)}" for kind, names in sorted(by_kind.items())]
    evidence.append(f"revenue attributed through Opportunity.{cat.opportunity_partner_field(ctx.spec)}")
    if perf.account.quarterly_target is None:
        return failed("no quarterly revenue target: attainment and pipeline coverage cannot be computed", evidence)
    if cat.replaced_metric(ctx.spec) is None:
        return warned("the certifications qualification metric is still typed in by hand", evidence)
    return passed(f"{len(metrics)} QBR metrics generated ({len(by_kind.get('scheduled', []))} set by the daily job)",
                  evidence)


@item("C16", "health-score", "Partner health score defined, weighted and recalculated daily",
      fix="add performance.health_score with components whose weights sum to 100, and schedule the job after deploy",
      needs={"performance"})
def health_score(ctx: CheckContext) -> Outcome:
    """The partner health score has its components, weights (summing to 100), caps, bands
    and risk flags in the specs, and a daily recalculation keeps it current in the org."""
    perf = ctx.spec.performance
    if perf is None:
        return warned("no `performance` section: no partner health score")
    hs = perf.health_score
    if hs is None:
        return failed("performance.health_score is switched off: the QBR has no partner health score")
    evidence = [f"{n}: weight {c.weight}, cap {c.cap:g}" for n, c in sorted(hs.components.items())]
    evidence += [f"bands: Healthy >= {hs.bands.healthy:g}, Watch >= {hs.bands.watch:g}",
                 f"after deploy, schedule once: {hs.job_class}.schedule() (cron '{hs.schedule_cron}')"]
    total = sum(c.weight for c in hs.components.values())
    if total != 100:
        return failed(f"weights add up to {total}, not 100", evidence)
    return passed(f"{len(hs.components)} components into {hs.score_field}, recalculated by {hs.job_class}", evidence)


def _health(ctx: CheckContext):  # noqa: ANN202 - HealthScore | None
    perf = getattr(ctx.spec, "performance", None)
    return perf.health_score if perf is not None else None


@item("L13", "org-health-job-scheduled", "Daily health score job scheduled in the org",
      fix="run `<job class>.schedule();` once as anonymous Apex (the job runs as the user who scheduled it)",
      needs={"performance"}, live=True)
def org_health_job(ctx: CheckContext) -> Outcome:
    """The generated health score job is scheduled (CronTrigger): deployed Apex does not
    schedule itself, and unscheduled, every score and scheduled metric goes stale."""
    hs = _health(ctx)
    if hs is None:
        return passed("no health score in this program")
    assert ctx.org is not None
    name = f"{hs.job_class} (prm)"
    rows = ctx.org.query("SELECT Id, CronExpression, State, NextFireTime FROM CronTrigger "
                         f"WHERE CronJobDetail.Name = '{name}'")
    live = [r for r in rows if r.get("State") not in ("DELETED", "COMPLETE", "ERROR")]
    evidence = [f"{r.get('CronExpression')} ({r.get('State')}, next {r.get('NextFireTime')})" for r in rows]
    if not live:
        return failed(f"'{name}' is not scheduled: run {hs.job_class}.schedule();", evidence)
    return passed(f"'{name}' is scheduled", evidence)


@item("L14", "org-health-scores-current", "Every partner's health score recalculated within two days",
      fix="check the job's runs (Setup > Apex Jobs) and that its user can read and edit partner accounts",
      needs={"performance"}, live=True)
def org_health_current(ctx: CheckContext) -> Outcome:
    """Every partner account's metrics and score were recalculated within the last two days:
    a failing daily job shows here before a QBR reads stale figures."""
    hs = _health(ctx)
    perf = getattr(ctx.spec, "performance", None)
    if hs is None or perf is None:
        return passed("no health score in this program")
    assert ctx.org is not None
    stamp = cat.api_name(ctx.spec, "health_score_date")
    fields = ctx.org.field_names("Account")
    if fields is None or stamp not in fields:
        return manual(f"Account.{stamp} is not in the org yet: deploy, schedule the job, then check again")
    rows = ctx.org.query(f"SELECT Id, Name, {stamp} FROM Account WHERE IsPartner = true AND "
                         f"({stamp} = null OR {stamp} < LAST_N_DAYS:{STALE_AFTER_DAYS}) ORDER BY Name "
                         f"LIMIT {MAX_LISTED + 1}")
    if rows:
        names = [f"{r.get('Name')} ({r.get(stamp) or 'never'})" for r in rows[:MAX_LISTED]]
        more = " and more" if len(rows) > MAX_LISTED else ""
        return failed(f"stale scores: {', '.join(names)}{more}", names)
    return passed("every partner account was recalculated recently")
