"""The war-room page tests: a package, so that their one warroom stops when they end."""
