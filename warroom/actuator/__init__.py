"""The actuator: applies budget decisions through an ad-platform adapter and records the
result (``actuator.py``); the adapters (``simulated``, ``webhook``) talk to the platform."""
