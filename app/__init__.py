"""chainrule: the chain rule at work."""
