"""The parts of ``bench_pipeline.py``: workload, phases, timing, child processes, report."""
