"""Creative A/B tests: always-valid sequential comparisons (mixture SPRT) of variants."""
