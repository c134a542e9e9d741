"""Text of a plan (`prm plan`, the prm_plan task)."""

from __future__ import annotations

from prm_builder.deploy.plan import Plan
from prm_builder.deploy.steps import step


def plan_text(plan: Plan, *, allow_destructive: bool = False) -> str:
    lines = [f"plan for {plan.org}: {len(plan.added)} to add, {len(plan.changed)} to change, "
             f"{len(plan.removed)} to remove, {len(plan.unchanged)} unchanged"]
    lines += [f"  + {k}" for k in plan.added]
    lines += [f"  ~ {k}" for k in plan.changed]
    for key in plan.removed:
        tail = "" if allow_destructive else "  (skipped without --allow-destructive)"
        lines.append(f"  - {key}{tail}")
    extra = sorted({c.key for c in plan.send} - set(plan.added) - set(plan.changed))
    lines += [f"  = {k} (sent with a changed component in the same file)" for k in extra]
    if plan.empty:
        lines.append("nothing to deploy")
        return "\n".join(lines)
    lines.append("deploy order:")
    for i, name in enumerate(plan.steps(), 1):
        count = sum(1 for c in plan.send if c.deploy_step == name)
        lines.append(f"  {i}. {name} ({count} components): {step(name).reason}")
    return "\n".join(lines)
