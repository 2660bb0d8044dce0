"""Errors of the review workflow, each with its CLI exit code and the HTTP status the API maps it to."""

from __future__ import annotations

from plantarch.errors import PlantarchError


class GovernanceError(PlantarchError):
    """Base of governance errors a user can hit (exit code 2)."""

    status_code: int = 409


class ProposalNotFound(GovernanceError):
    """No proposal with that id."""

    status_code = 404


class WorkflowError(GovernanceError):
    """The action is not allowed in the proposal's current state."""

    status_code = 409


class NotPermitted(GovernanceError):
    """The user may not take this action (role, self-approval, not the author)."""

    status_code = 403


class QuorumNotMet(GovernanceError):
    """Not enough approving votes for the proposal's risk class."""

    status_code = 409


class StaleReview(GovernanceError):
    """The model changed since the review; the review was re-run and must be looked at again."""

    status_code = 409
