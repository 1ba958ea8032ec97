"""Plumbing every layer uses: file writes, parameter checks, progress bars, freeing memory."""
