"""The Telegram side of jobpicks: the Application, handlers, rendering and morning delivery."""
