"""Viewer-journey rules: retargeting audiences, conversion funnels, the public-to-private loop."""
