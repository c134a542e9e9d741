"""Partner performance: the QBR metric catalogue and the health score (pure functions the
generator, the docs and `prm score` share)."""
