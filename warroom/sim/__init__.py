"""The traffic simulator: seeded live-commerce traffic with attacks and ground truth."""
