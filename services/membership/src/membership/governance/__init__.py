"""The member's role (M11): the General Assembly, the governing bodies' extranet and the open
badges. Pure decisions only (no I/O, no framework): the use cases, tables and routes that carry
them out call these functions with the facts they read and store what they return."""
