"""The HTTP plumbing below the API and the pages, above the domains: the request's unit of work
and settings (``deps``), admission to the database pool, the body limit, compression of the
delivery pages' data, cross-site request forgery and the security headers."""
