"""Each service's HTTP API models: its routes' request bodies and answers (what workflow activities, the portal and
tests send and read), one module a service (review's selection routes in selection.py)."""
