"""The web layer: the only part of chainrule that knows HTTP."""
