"""``warroom eval``: decision quality against the simulator's ground truth (risk rules on a
real worker, budget policies in simulated time)."""
