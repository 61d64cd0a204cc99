"""Cap Métiers exchange service: the partner events other regional platforms receive, mapped from the platform's internal events."""
