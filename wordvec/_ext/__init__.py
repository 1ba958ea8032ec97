"""The compiled kernels (C with Cython bindings, one extension per stage) and their Python side."""
