"""The pages shell: layout, navigation, sign-in, home, users admin, audit; shared page helpers."""
