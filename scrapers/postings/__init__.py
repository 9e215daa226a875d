"""The posting vocabulary every layer speaks: `Posting`, pay, places, kinds of work, text rules."""
