"""Risk flags from the chain's structure and from answers."""
