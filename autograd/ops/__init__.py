"""The ops: each a Function with its forward and backward side by side.

Grouped by kind: ``arithmetic`` (+ - * / **), ``unary`` (exp, log, tanh,
sigmoid, relu, ...), ``reduction`` (sum, mean, max, softmax, ...), ``shape``
(reshape, permute, indexing, cat, ...), ``select`` (where, clamp, maximum),
``linalg`` (matmul, linear), ``losses`` (fused, numerically stable losses),
``inplace`` (``x[i] = v``, ``add_``, ...).
"""
