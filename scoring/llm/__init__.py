"""The LLM path: the one client, prompts, batched triage and scoring, replies, proposals."""
