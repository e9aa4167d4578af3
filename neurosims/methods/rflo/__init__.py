"""RFLO (Murray 2019): random feedback local online learning in recurrent networks."""
