"""Risk rules on orders and payments, one per file."""
