"""The desktop app: the only package where Qt lives."""
