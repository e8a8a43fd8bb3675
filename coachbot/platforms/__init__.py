"""Chat platform adapters: thin translations between a platform and the neutral core."""
