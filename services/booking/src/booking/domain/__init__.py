"""The booking rules: pure Python, no I/O, no framework.

- ``resources``: the site's resources, capacity and parking passes (B1, B7);
- ``opening``: working days, opening hours, closures, French public holidays (B8);
- ``policy``: the terms of a year (credits, auditorium price, studio slots, pattern length);
- ``bookings``: a booking and what a member asks for;
- ``rights``: who may book what on a day (B2, B3, B6, B4 Qualiopi);
- ``conditions``: purpose, no commercial and no recurring use (B4);
- ``quotas``: room credits (B2), studio slots (B6), what a cancellation gives back;
- ``decision``: every rule of one request, in order.
"""
