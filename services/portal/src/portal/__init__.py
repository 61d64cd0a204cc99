"""The Cap Métiers web portal: server-rendered pages for members, staff, the board and finance.

A backend-for-frontend with no business data of its own: every page calls the four services'
APIs server-side with the signed-in person's token, and the browser holds only a session cookie.
"""
