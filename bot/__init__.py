"""The jobpicks app: settings, storage, the daily run, the digest, the CLI and the Telegram bot."""
