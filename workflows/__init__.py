"""Temporal workflows (orchestration only), their activities (thin httpx calls), the worker and the bridge."""
