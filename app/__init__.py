"""The chainrule service: the playground, /live and the JSON API (FastAPI).

The only part of chainrule that knows HTTP. It imports the library `chainrule`, never the
reverse; `python -m app` starts it, `app.main.create_app` builds it.
"""
