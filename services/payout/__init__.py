"""payout: the finance bureau's ledger — payout plans, stages, journal and budgets."""
SERVICE = "payout"
