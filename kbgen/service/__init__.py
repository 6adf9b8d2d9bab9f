"""Long-running service parts beyond the feedback collector (the answer API)."""
