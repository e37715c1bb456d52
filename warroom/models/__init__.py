"""Online models (river), one per file: the 人货匹配度 match model, the order anomaly model,
the creator trust formula; their registry, rolling metrics, checkpoints and the
champion / challenger contest.

Models here never import faust, a database client or the clock: agents feed them
events and read their scores.
"""
