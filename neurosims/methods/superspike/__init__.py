"""SuperSpike (Zenke & Ganguli 2018): networks in generated code and their NumPy reference."""
