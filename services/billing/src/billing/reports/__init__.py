"""Read models of the finance team: reconciliation (F6), the accounting exports (F7) and the
Chorus Pro deposit (F8)."""
