"""warroom: a real-time ad-ops and risk engine for live commerce."""

__version__ = "0.1.0"
