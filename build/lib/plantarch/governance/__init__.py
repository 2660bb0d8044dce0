"""Governance: proposals, the automated review, the review workflow, decision records and the audit log."""

from plantarch.governance.apply import approve, reject
from plantarch.governance.audit import AuditEntry, read_audit
from plantarch.governance.board import (
    Comment,
    ProposalRecord,
    ProposalSummary,
    comment,
    create_proposal,
    get_proposal,
    list_decisions,
    list_proposals,
    run_review,
    submit_proposal,
    update_draft,
    vote,
    withdraw,
)
from plantarch.governance.decisions import DecisionRecord
from plantarch.governance.errors import (
    GovernanceError,
    NotPermitted,
    ProposalNotFound,
    QuorumNotMet,
    StaleReview,
    WorkflowError,
)
from plantarch.governance.proposal import Proposal, Removal, RiskClass, load_proposal, proposal_from_data
from plantarch.governance.review import ReviewReport, Verdict, review_proposal
from plantarch.governance.settings import GovernanceSettings
from plantarch.governance.workflow import ProposalState, VoteChoice

__all__ = [
    "AuditEntry",
    "Comment",
    "DecisionRecord",
    "GovernanceError",
    "GovernanceSettings",
    "NotPermitted",
    "Proposal",
    "ProposalNotFound",
    "ProposalRecord",
    "ProposalState",
    "ProposalSummary",
    "QuorumNotMet",
    "Removal",
    "ReviewReport",
    "RiskClass",
    "StaleReview",
    "Verdict",
    "VoteChoice",
    "WorkflowError",
    "approve",
    "comment",
    "create_proposal",
    "get_proposal",
    "list_decisions",
    "list_proposals",
    "load_proposal",
    "proposal_from_data",
    "read_audit",
    "reject",
    "review_proposal",
    "run_review",
    "submit_proposal",
    "update_draft",
    "vote",
    "withdraw",
]
