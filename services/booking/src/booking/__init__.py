"""Cap Métiers booking service: Rooms, the auditorium and the Lab Studio at the Pessac site: bookings and yearly credits."""
