"""The refusals of logins, roles and tokens, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthorized


class UserNotFound(NotFound):
    """No user has this id."""

    code = "user_not_found"


class UsernameTaken(Conflict):
    """The phone or email is already the username of another login."""

    code = "username_taken"


class NoUsername(InvalidInput):
    """A login needs a phone or an email to log in with."""

    code = "no_username"


class CustomerHasLogin(Conflict):
    """The customer already has a login; a customer has at most one."""

    code = "customer_has_login"


class NoLogin(NotFound):
    """The customer has no login."""

    code = "no_login"


class LoginNotLinked(Conflict):
    """A customer login linked to no customer cannot be enabled."""

    code = "login_not_linked"


class NotACustomerLogin(InvalidInput):
    """Only a customer login can be linked to a customer, not a staff login."""

    code = "not_a_customer_login"


class LoginAlreadyLinked(Conflict):
    """The login is already linked to another customer."""

    code = "login_already_linked"


class InvalidCredentials(Unauthorized):
    """Wrong username or password (which of the two is not said)."""

    code = "invalid_credentials"


class LoginThrottled(TooManyRequests):
    """Too many failed logins for one username: it is locked for a while."""

    code = "login_throttled"


class InvalidToken(Unauthorized):
    """The access token is malformed, forged, or signed with another key."""

    code = "invalid_token"


class TokenExpired(Unauthorized):
    """The access token has expired: log in again."""

    code = "token_expired"


class TokenRevoked(Unauthorized):
    """The token was ended by a password change or a logout: log in again."""

    code = "token_revoked"


class LoginDisabled(Unauthorized):
    """The token's login no longer exists or has been disabled."""

    code = "login_disabled"


class LastAdmin(Conflict):
    """The change would leave the dairy without an active admin."""

    code = "last_admin"
    title = "The last admin"
