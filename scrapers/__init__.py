"""Job sources: one module per board, all turning raw responses into `Posting`s."""
