"""三快 budget rules on live campaign and creative metrics (issue 4)."""
