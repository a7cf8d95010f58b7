"""What a request body may hold, for every domain's schemas: ids, texts and amounts within their
bounds (``fields``), and a PATCH's fields set to null or left out (``patching``)."""
