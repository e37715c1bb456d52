"""API models of the commerce entities (Base / Create / Update / Public), one module each,
and the list envelope ``{data, count}``."""
