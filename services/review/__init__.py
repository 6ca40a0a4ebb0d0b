"""review: tasks for departments, experts and chiefs; their decisions; publicity lists and objections."""
SERVICE = "review"
