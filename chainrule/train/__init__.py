"""Training: the compiled tape over NumPy arrays, the optimizer loop, one run, datasets.

The only package that imports NumPy. `tape_ops` holds each op's array rules, `compiler`
turns a built graph into a `tape` (a flat program over columns) whose columns' lives
`liveness` works out, `optimizer` holds a run's settings and gd/momentum/adam, `loop` fits
parameters within the request's budget, `run` turns a request into an answer (web and
CLI share it), `datasets` holds the built-in data and reads CSV.
"""
