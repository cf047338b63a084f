"""Token counting (count_tokens).

count (the tool) with encodings (offline tiktoken data), files (safe chunks, folder walks,
the granted-folder rule) and engine (exact and sampled counting).
"""
