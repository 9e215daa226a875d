"""What the CLI and the Telegram bot both call: the run, feedback, profile, settings, stats.

Services take an `AppContext` and plain values, never Telegram types.
"""
