"""Linear algebra: PPMI weighting, truncated SVD and the sparse operators, blocks and buffers beneath them."""
