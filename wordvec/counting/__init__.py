"""Counting: the vocabulary, the co-occurrence counter and the saved, mergeable counts."""
