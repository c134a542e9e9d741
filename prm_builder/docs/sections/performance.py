"""Partner performance: the QBR metrics (and how each stays current), the health score
(components, weights, caps, bands, risk flags, worked examples) and every report."""

from __future__ import annotations

from prm_builder.docs.content import Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, slug

ID = "performance"
TITLE = "Partner performance"

KIND_TEXT = {"scheduled": "daily job", "rollup": "roll-up summary", "formula": "formula"}
COMPONENT_TEXT = {
    "revenue": "closed-won this quarter / quarterly target; not scored without a target or for a partner new this quarter",
    "pipeline": "open pipeline / quarterly target; not scored without a target; zero pipeline scores 0",
    "engagement": "activities (90 days) + training completions + events attended (12 months)",
    "csat": "average CSAT (1-5) of 12 months; not scored without responses",
    "deal_velocity": "full points when the average sales cycle of deals won in 12 months is at most the cap "
                     "(days), else cap / days; not scored without won deals",
}


def build(ctx: DocContext) -> Section | None:
    perf = getattr(ctx.spec, "performance", None)
    if perf is None:
        return None
    from prm_builder.generate.performance_reports import DASHBOARDS, folders, reports
    from prm_builder.performance import catalogue as cat

    spec = ctx.spec
    section = Section(ID, TITLE, "What the quarterly business review reads, the partner health score, and the "
                                 "reports and dashboards.")
    section.add(Para("Opportunities reach their partner through a lookup, and a roll-up summary exists only over "
                     "master-detail with fixed filters: so revenue, pipeline, funnel and windowed counts are set by "
                     "the daily job, engagement totals over the partner's own detail records are roll-ups, and "
                     "rates are formulas."))
    section.add(Heading("Metrics", slug(ID, "metrics")))
    section.add(Table(("metric", "field", "kept current by", "definition"), tuple(
        (m.label, m.api_name, KIND_TEXT[m.kind], m.description) for m in cat.metrics(spec))))  # type: ignore[arg-type]
    hs = perf.health_score
    if hs is not None:
        section.add(Heading("Health score", slug(ID, "score")))
        section.add(Para(f"Recalculated daily by {hs.job_class} (schedule `{hs.schedule_cron}`) into "
                         f"{hs.score_field} and {hs.band_field}. A component that cannot be scored is left out "
                         "and the score is out of the remaining weights."))
        section.add(Table(("component", "weight", "cap", "definition"), tuple(
            (name.replace("_", " "), str(c.weight), f"{c.cap:g}", COMPONENT_TEXT[name]) for name, c in sorted(hs.components.items()))))
        section.add(Table(("band", "score"), (("Healthy", f"≥ {hs.bands.healthy:g}"),
                                              ("Watch", f"≥ {hs.bands.watch:g} and < {hs.bands.healthy:g}"),
                                              ("At Risk", f"< {hs.bands.watch:g}")), caption="Bands"))
        flags = [("no recent activity", f"no partner activity for {hs.risk_flags.inactive_days} days or more"),
                 ("low pipeline coverage", f"open pipeline below {hs.risk_flags.min_pipeline_coverage:g} × the "
                                           "quarterly target")]
        if perf.account.renewal_risk:
            flags.insert(0, ("renewal risk", f"contract ends within {perf.account.renewal_risk.months} months"))
        if perf.account.new_partner:
            flags.append(("new partner", f"partner for less than {perf.account.new_partner.months} months"))
        section.add(Table(("flag", "raised when"), tuple(flags), caption="Risk flags"))
        section.add(Heading("Worked examples", slug(ID, "examples")))
        from prm_builder.performance.examples import EXAMPLES, TODAY
        from prm_builder.performance.score import score

        rows = []
        for name, inputs in EXAMPLES.items():
            r = score(inputs, hs, TODAY)
            rows.append((name.replace("_", " "), "—" if inputs.target is None else ctx.money(float(inputs.target)),
                         ctx.money(float(inputs.closed_won_qtd)), ctx.money(float(inputs.open_pipeline_value)),
                         str(inputs.engagement_count), "—" if inputs.csat_average is None else str(inputs.csat_average),
                         "—" if r.score is None else str(r.score), r.band or "—"))
        section.add(Table(("example", "target", "won this quarter", "pipeline", "engagement", "CSAT", "score", "band"),
                          tuple(rows), caption=f"Judged on {TODAY.isoformat()}; the Apex test class asserts the same "
                                               "scores"))
    if perf.reports.enabled:
        fold = folders(perf)
        section.add(Heading("Reports", slug(ID, "reports")))
        section.add(Table(("report", "folder", "report type", "what it shows"), tuple(
            (r.label, fold[r.audience].label, r.report_type, r.description) for r in reports(spec))))  # type: ignore[arg-type]
        section.add(Table(("folder", "API name", "audience", "shared with"), tuple(
            (f.label, f.name, audience.replace("_", " "),
             ", ".join(f.groups + f.roles) or ("tier groups (partner users)" if audience == "partner" else "—"))
            for audience, f in sorted(fold.items())), caption="Folders"))
        section.add(Table(("dashboard", "runs as", "components"), tuple(
            (title, "the viewing user" if kind == "LoggedInUser" else "a specified user",
             ", ".join(p[2] for p in parts)) for _, (_, kind, title, parts) in sorted(DASHBOARDS.items())),
            caption="Dashboards"))
    if perf.integration.enabled:
        section.add(Para(f"The external QBR application's API user gets {perf.integration.permission_set}: read "
                         "only, View All, on every object and field listed above."))
    return section
