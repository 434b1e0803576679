"""The ops: each a Function with its forward and backward side by side.

Grouped by kind: ``arithmetic`` (+ - * / **), ``unary`` (exp, log, tanh,
sigmoid, relu, ...), ``reduction`` (sum, mean, var, softmax, ...), ``sorting``
(max and min with indices, sort, topk, median), ``logical`` (comparisons and
tests, no gradient), ``shape`` (reshape, permute, indexing, cat, conversions, ...),
``select`` (where, clamp, maximum), ``linalg`` (matmul, linear), ``losses``
(fused, numerically stable losses), ``inplace`` (``x[i] = v``, ``add_``, ...).
``table`` names the functions that become Tensor methods and ``ag.`` functions.
"""
