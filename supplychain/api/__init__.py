"""The JSON API (/api/v1): token-authenticated, per organisation, described by OpenAPI.

CSRF protection is off for this blueprint: its calls carry a bearer token, and a session
cookie never authenticates them (see auth.check_token), so a forged cross-site request has
nothing to ride on.
"""
