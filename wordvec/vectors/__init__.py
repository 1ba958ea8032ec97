"""Word vectors: the container, its queries (neighbours, analogies) and its file formats."""
