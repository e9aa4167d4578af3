"""Real-time recurrent learning: the exact forward-mode gradient the online rules approximate."""
