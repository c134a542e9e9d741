"""Partner operations: the data a running program needs in the org (partner accounts,
partner users, permission sets, tier-group membership, MDF budgets), kept as a roster in
git and applied to an org in the order the platform requires.

roster (YAML) --load/validate--> Roster --plan (pure: roster + org state)--> Plan --apply--> org
"""
