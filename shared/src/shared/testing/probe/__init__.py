"""A small service built with the kit, for the kit's own tests: it records what it received."""
