"""Text in: corpus sources, tokenization, labelled texts, and pass 1 of counting (text to ids)."""
