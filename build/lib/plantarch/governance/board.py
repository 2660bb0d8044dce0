"""The review board's register: proposals, their automated reviews, comments, votes and decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update
from sqlalchemy.orm import Session

from plantarch.governance import audit
from plantarch.governance.decisions import DecisionRecord
from plantarch.governance.errors import NotPermitted, ProposalNotFound, WorkflowError
from plantarch.governance.proposal import Proposal
from plantarch.governance.review import ReviewReport, review_proposal
from plantarch.governance.settings import GovernanceSettings
from plantarch.governance.workflow import Action, ProposalState, VoteChoice, check_vote, next_state
from plantarch.store import Store
from plantarch.store.governance_tables import comments, decisions, proposals, reviews, votes

AUTOMATED_REVIEWER = "automated-review"


class Comment(BaseModel):
    """A reviewer's or author's comment on a proposal."""

    id: int
    author: str
    at: datetime
    text: str


class ProposalRecord(BaseModel):
    """A proposal as the board sees it: the document, its state, review, votes, comments, decision."""

    id: int
    title: str
    author: str
    state: ProposalState
    risk: str
    version: int
    created_at: datetime
    updated_at: datetime
    proposal: Proposal
    review_id: int | None = None
    review: ReviewReport | None = None
    votes: dict[str, VoteChoice] = Field(default_factory=dict)
    comments: list[Comment] = Field(default_factory=list)
    decision: DecisionRecord | None = None


class ProposalSummary(BaseModel):
    """One line of the review queue."""

    id: int
    title: str
    author: str
    state: ProposalState
    risk: str
    updated_at: datetime
    verdict: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def proposal_row(conn: Connection, proposal_id: int, *, lock: bool = False) -> RowMapping:
    """The proposal's row (locked FOR UPDATE on PostgreSQL when `lock`), or ProposalNotFound."""
    stmt = select(proposals).where(proposals.c.id == proposal_id)
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise ProposalNotFound(f"no proposal #{proposal_id}")
    return row


def move(
    conn: Connection, row: RowMapping, action: Action, user: str, detail: dict[str, Any] | None = None
) -> ProposalState:
    """Move a proposal to its next state, refusing if someone else moved it first (optimistic check)."""
    state = next_state(row["state"], action)
    result = conn.execute(
        update(proposals)
        .where(proposals.c.id == row["id"], proposals.c.version == row["version"])
        .values(state=state.value, version=row["version"] + 1, updated_at=_now())
    )
    if result.rowcount != 1:
        raise WorkflowError(f"proposal #{row['id']} changed while you were acting on it; look again")
    audit.record(conn, user=user, action=action.value, target=f"proposal:{row['id']}", detail=detail)
    return state


def latest_review(conn: Connection, proposal_id: int) -> tuple[int, ReviewReport] | None:
    """The newest automated review of a proposal, with its id."""
    row = conn.execute(
        select(reviews.c.id, reviews.c.doc)
        .where(reviews.c.proposal_id == proposal_id)
        .order_by(reviews.c.id.desc())
        .limit(1)
    ).first()
    return (int(row[0]), ReviewReport.model_validate(row[1])) if row else None


def current_votes(conn: Connection, proposal_id: int) -> dict[str, VoteChoice]:
    """Each reviewer's current vote on a proposal."""
    rows = conn.execute(select(votes.c.reviewer, votes.c.choice).where(votes.c.proposal_id == proposal_id))
    return {reviewer: VoteChoice(choice) for reviewer, choice in rows}


def write_session(store: Store) -> Session:
    """A session whose transactions take the write lock at BEGIN (SQLite) like a change set."""
    return Session(store.engine.execution_options(plantarch_write=True))


def create_proposal(store: Store, proposal: Proposal, author: str, *, submit: bool = True) -> ProposalRecord:
    """Record a proposal as a draft; when `submit`, submit it and run the automated review at once."""
    with write_session(store) as session, session.begin():
        conn = session.connection()
        now = _now()
        new_id = conn.execute(
            insert(proposals).values(
                title=proposal.title,
                author=author,
                state=ProposalState.DRAFT.value,
                risk=proposal.risk_class.value,
                version=1,
                created_at=now,
                updated_at=now,
                doc=proposal.model_dump(mode="json", exclude_defaults=True),
            )
        ).inserted_primary_key
        assert new_id is not None
        proposal_id = int(new_id[0])
        audit.record(
            conn,
            user=author,
            action="propose",
            target=f"proposal:{proposal_id}",
            detail={"title": proposal.title},
        )
    if submit:
        return submit_proposal(store, proposal_id, author)
    return get_proposal(store, proposal_id)


def update_draft(store: Store, proposal_id: int, proposal: Proposal, user: str) -> ProposalRecord:
    """Replace the document of a draft; only its author may."""
    with write_session(store) as session, session.begin():
        conn = session.connection()
        row = proposal_row(conn, proposal_id, lock=True)
        if row["author"] != user:
            raise NotPermitted(f"only {row['author']} may edit proposal #{proposal_id}")
        if row["state"] != ProposalState.DRAFT:
            raise WorkflowError(f"proposal #{proposal_id} is {row['state']}; only drafts can be edited")
        conn.execute(
            update(proposals)
            .where(proposals.c.id == proposal_id)
            .values(
                title=proposal.title,
                risk=proposal.risk_class.value,
                doc=proposal.model_dump(mode="json", exclude_defaults=True),
                version=row["version"] + 1,
                updated_at=_now(),
            )
        )
        audit.record(conn, user=user, action="edit", target=f"proposal:{proposal_id}")
    return get_proposal(store, proposal_id)


def submit_proposal(store: Store, proposal_id: int, user: str) -> ProposalRecord:
    """Submit a draft (its author only) and run the automated review, which puts it in review."""
    with write_session(store) as session, session.begin():
        conn = session.connection()
        row = proposal_row(conn, proposal_id, lock=True)
        if row["author"] != user:
            raise NotPermitted(f"only {row['author']} may submit proposal #{proposal_id}")
        move(conn, row, Action.SUBMIT, user)
    run_review(store, proposal_id)
    return get_proposal(store, proposal_id)


def run_review(store: Store, proposal_id: int, user: str = AUTOMATED_REVIEWER) -> ReviewReport:
    """Run the automated review on the current model and record it; a submitted proposal enters review."""
    with store.engine.connect() as conn:
        row = proposal_row(conn, proposal_id)
    if ProposalState(row["state"]) not in (ProposalState.SUBMITTED, ProposalState.IN_REVIEW):
        raise WorkflowError(
            f"proposal #{proposal_id} is {row['state']}; only submitted proposals are reviewed"
        )
    revision = store.revision  # read before the model: a change in between only makes the review stale
    report = review_proposal(store.load_model(), Proposal.model_validate(row["doc"]), revision=revision)
    with write_session(store) as session, session.begin():
        conn = session.connection()
        row = proposal_row(conn, proposal_id, lock=True)
        conn.execute(
            insert(reviews).values(
                proposal_id=proposal_id,
                model_revision=report.model_revision,
                verdict=report.verdict.value,
                at=report.reviewed_at,
                doc=report.model_dump(mode="json"),
            )
        )
        move(conn, row, Action.START_REVIEW, user, {"verdict": report.verdict.value, "revision": revision})
    return report


def comment(store: Store, proposal_id: int, user: str, text: str) -> Comment:
    """Add a comment to an open proposal."""
    if not text.strip():
        raise WorkflowError("a comment needs some text")
    with write_session(store) as session, session.begin():
        conn = session.connection()
        proposal_row(conn, proposal_id)
        at = _now()
        new_id = conn.execute(
            insert(comments).values(proposal_id=proposal_id, author=user, at=at, text=text)
        ).inserted_primary_key
        assert new_id is not None
        audit.record(
            conn, user=user, action="comment", target=f"proposal:{proposal_id}", detail={"text": text}
        )
    return Comment(id=int(new_id[0]), author=user, at=at, text=text)


def vote(
    store: Store,
    proposal_id: int,
    user: str,
    choice: VoteChoice,
    *,
    settings: GovernanceSettings | None = None,
) -> dict[str, VoteChoice]:
    """Record (or replace) a reviewer's vote on a proposal in review; returns every current vote."""
    settings = settings or GovernanceSettings()
    with write_session(store) as session, session.begin():
        conn = session.connection()
        row = proposal_row(conn, proposal_id, lock=True)
        if ProposalState(row["state"]) not in (ProposalState.SUBMITTED, ProposalState.IN_REVIEW):
            raise WorkflowError(f"proposal #{proposal_id} is {row['state']}; votes are closed")
        check_vote(row["author"], user, choice, settings)
        conn.execute(delete(votes).where(votes.c.proposal_id == proposal_id, votes.c.reviewer == user))
        conn.execute(
            insert(votes).values(proposal_id=proposal_id, reviewer=user, choice=choice.value, at=_now())
        )
        audit.record(
            conn, user=user, action="vote", target=f"proposal:{proposal_id}", detail={"choice": choice.value}
        )
        return current_votes(conn, proposal_id)


def withdraw(store: Store, proposal_id: int, user: str, *, admin: bool = False) -> ProposalRecord:
    """Withdraw an open proposal (its author, or an admin)."""
    with write_session(store) as session, session.begin():
        conn = session.connection()
        row = proposal_row(conn, proposal_id, lock=True)
        if row["author"] != user and not admin:
            raise NotPermitted(f"only {row['author']} or an admin may withdraw proposal #{proposal_id}")
        move(conn, row, Action.WITHDRAW, user)
    return get_proposal(store, proposal_id)


def _decision(conn: Connection, proposal_id: int) -> DecisionRecord | None:
    row = conn.execute(select(decisions).where(decisions.c.proposal_id == proposal_id)).mappings().first()
    return decision_from_row(row) if row else None


def decision_from_row(row: RowMapping) -> DecisionRecord:
    """A decision record from its table row."""
    return DecisionRecord.model_validate({**row["doc"], "id": row["id"], "revision": row["revision"]})


def get_proposal(store: Store, proposal_id: int) -> ProposalRecord:
    """A proposal with its latest review, votes, comments and decision."""
    with store.engine.connect() as conn:
        row = proposal_row(conn, proposal_id)
        reviewed = latest_review(conn, proposal_id)
        said = [
            Comment.model_validate(dict(c._mapping))
            for c in conn.execute(
                select(comments.c.id, comments.c.author, comments.c.at, comments.c.text)
                .where(comments.c.proposal_id == proposal_id)
                .order_by(comments.c.id)
            )
        ]
        return ProposalRecord(
            id=row["id"],
            title=row["title"],
            author=row["author"],
            state=row["state"],
            risk=row["risk"],
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            proposal=Proposal.model_validate(row["doc"]),
            review_id=reviewed[0] if reviewed else None,
            review=reviewed[1] if reviewed else None,
            votes=current_votes(conn, proposal_id),
            comments=said,
            decision=_decision(conn, proposal_id),
        )


def list_proposals(
    store: Store, *, state: ProposalState | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[ProposalSummary], int]:
    """The review queue, newest first, with the total count."""
    newest_review = (
        select(reviews.c.verdict)
        .where(reviews.c.proposal_id == proposals.c.id)
        .order_by(reviews.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = select(
        proposals.c.id,
        proposals.c.title,
        proposals.c.author,
        proposals.c.state,
        proposals.c.risk,
        proposals.c.updated_at,
        newest_review.label("verdict"),
    )
    count = select(func.count()).select_from(proposals)
    if state is not None:
        stmt = stmt.where(proposals.c.state == state.value)
        count = count.where(proposals.c.state == state.value)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt.order_by(proposals.c.id.desc()).limit(limit).offset(offset)).mappings()
        items = [ProposalSummary.model_validate(dict(r)) for r in rows]
        return items, int(conn.scalar(count) or 0)


def list_decisions(store: Store, *, limit: int = 50, offset: int = 0) -> list[DecisionRecord]:
    """Decision records, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(decisions).order_by(decisions.c.id.desc()).limit(limit).offset(offset))
        return [decision_from_row(r) for r in rows.mappings()]
