"""Training: the compiled tape over NumPy arrays, the optimizer loop, one run, datasets.

The only package that imports NumPy. `tape_ops` holds each op's array rules, `tape`
compiles a built graph into a flat program, `loop` fits parameters with it, `run` turns
a request into an answer (web and CLI share it), `datasets` holds the built-in data.
"""
