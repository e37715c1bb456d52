"""Wire records: events in, decisions and verdicts out (versioned namespaces)."""
