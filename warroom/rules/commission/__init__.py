"""Commission splits (多级分销): a paid order's commission shared among up to 6 levels."""
