"""Assets of persons sought: the register of what they own, where it is held, and what happened
to it (traced, frozen, confiscated, returned) through which request or decision."""
