"""The job sources, one module per board, each turning raw responses into `Posting`s."""
