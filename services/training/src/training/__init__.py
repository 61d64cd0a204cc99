"""Cap Métiers training service: ParcoursPro actions, sessions, enrollments, waiting lists and attendance."""
