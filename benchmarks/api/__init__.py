"""Pieces of ``bench_api.py``: the HTTP load and its report."""
