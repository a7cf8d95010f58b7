"""Server-rendered pages (Jinja2): the same services as the API, rendered for people."""
