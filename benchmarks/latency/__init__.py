"""bench_latency.py's parts: the load, the probes, the reader, one rate, the report."""
