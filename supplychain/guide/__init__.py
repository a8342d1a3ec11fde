"""The prevention guide: what to do about each risk, inside the product."""
