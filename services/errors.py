"""Domain errors. Each carries a message key the UI translates, and the values the message needs."""


class LinbangError(Exception):
    """Base of every error a person may be shown. `key` is a catalog key; `params` fill it in."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object):
        self.key = key or self.key
        self.params = params
        super().__init__(self.key, params)


class NotFound(LinbangError):
    key = "error.not_found"


class NotAllowed(LinbangError):
    key = "error.not_allowed"


class InvalidTransition(NotAllowed):
    """Not possible in the job's (or the item's) state now, whoever asks."""

    key = "error.invalid_transition"


class AlreadyTaken(InvalidTransition):
    """Someone else became the job's worker first."""

    key = "error.already_taken"


class AlreadyDone(NotAllowed):
    """The person already did this once and it is done only once (rating a job, applying to it)."""


class ValidationError(LinbangError):
    """Bad input. `field` names the form field at fault so the page can point at it."""

    key = "error.invalid"

    def __init__(self, field: str, key: str | None = None, **params: object):
        self.field = field
        super().__init__(key, **params)


class AuthFailed(LinbangError):
    """One generic message whether the name exists, the password is wrong or the account is blocked."""

    key = "error.login_failed"


class TooManyAttempts(LinbangError):
    """Failed sign-ins came too fast: raised as TooManyAttempts(seconds=...), how long to wait before
    the next try. A wait, never a lock: it runs from the same client's own last failed try."""

    key = "error.login_wait"


class SetupDone(LinbangError):
    key = "error.setup_done"


class InsufficientFunds(LinbangError):
    """A wallet would go below zero: raised as InsufficientFunds(missing_fen=...), exactly how much
    more it needs (the UI shows every *_fen parameter as money)."""

    key = "error.insufficient_funds"


class NeedsConfirmation(LinbangError):
    """The service will do this only when asked again with the person's yes: the message is the
    question. (The form shows it and a "yes" box; ui.forms.Filling.)"""


class PossibleRepeat(NeedsConfirmation):
    """The same top-up or payout (same person, same amount) was recorded a few minutes ago from
    another filling-in, say a second tab: is this a second one? (ledger.REPEAT_QUESTIONS)"""


class BackupRefused(LinbangError):
    """A backup or a restore that cannot go ahead (services.backup): no board to back up, a board
    already where a restore would go, an archive damaged, failing its check, or from a newer board."""
