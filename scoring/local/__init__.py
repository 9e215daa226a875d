"""The local scorer: reading the profile, the map of fields and employers, scoring offline."""
