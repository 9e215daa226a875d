"""Profile, hard filters, the local scorer, the LLM scorer and feedback learning."""
