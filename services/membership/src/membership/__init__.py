"""Cap Métiers membership service: Structures, establishments, applications, board decisions, memberships per year, Qualiopi, renewal campaigns."""
