"""Authentication (passwords, tokens, page sessions, CSRF) and the access policy."""
