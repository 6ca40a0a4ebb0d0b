"""Benchmarks: print figures, assert nothing. `make bench` runs both:

    python -m benchmarks            micro figures (calculator, calendar, outbox relay, exports)
    python -m benchmarks system     the real processes against side-by-side baselines (docs/performance.md)
"""
