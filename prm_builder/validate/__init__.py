"""Semantic validation: small rules, each registered with a stable code (PRM-Vnnn)."""

from prm_builder.validate.registry import RULES, ValidationContext, rule, run_rules

# Importing the rule modules registers their rules.
from prm_builder.validate import (  # noqa: E402,F401
    rules_account, rules_attribution, rules_content, rules_deal_registration, rules_lead_distribution, rules_mdf,
    rules_performance, rules_program, rules_robustness, rules_sharing, rules_tiers)

__all__ = ["RULES", "ValidationContext", "rule", "run_rules"]
