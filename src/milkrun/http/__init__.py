"""The HTTP plumbing below the API and the pages: cross-site request forgery, security headers."""
