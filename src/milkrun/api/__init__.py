"""The JSON API under /api/v1: parse, authorize, call one service function, render."""
