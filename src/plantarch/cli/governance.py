"""CLI commands: propose, proposals, review, comment, vote, approve, reject, withdraw, decisions, audit."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from plantarch import governance as gov
from plantarch.cli.common import (
    DatabaseOption,
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    author_name,
    console,
    open_target,
    print_json,
)
from plantarch.governance import DecisionRecord, ProposalRecord, ProposalState, ReviewReport, VoteChoice

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Proposal id (see `plantarch proposals`).")]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--as", "--author", help="Who acts (default $PLANTARCH_AUTHOR or your login).", show_default=False
    ),
]


def _print_review(report: ReviewReport) -> None:
    impact = report.impact
    console.print(
        f"[bold]verdict: {report.verdict.value}[/] "
        f"(risk {report.risk}, model revision {report.model_revision})"
    )
    for reason in report.reasons:
        console.print(f"  - {reason}", markup=False)
    rows = [
        ("added", ", ".join(impact.added)),
        ("changed", ", ".join(impact.changed)),
        ("removed", ", ".join(impact.removed)),
        ("new conduits", ", ".join(impact.new_conduits)),
        (
            "cross-zone flows",
            ", ".join(
                f"{c.flow} ({c.source_zone}->{c.target_zone} via {c.conduit or 'no conduit'})"
                for c in impact.cross_zone_flows
            ),
        ),
        (
            "capability overlaps",
            ", ".join(
                f"{o.system}/{o.capability} with {', '.join(o.existing)}" for o in impact.capability_overlaps
            ),
        ),
        ("added interfaces", ", ".join(impact.added_interfaces)),
        ("annual cost delta", f"{impact.annual_cost_delta:+,.2f}"),
        ("one-off cost", f"{impact.one_off_cost:,.2f}"),
        ("systems affected", ", ".join(impact.systems_affected)),
        ("new findings", str(len(report.findings))),
    ]
    table = Table("impact", "", show_header=False)
    for name, value in rows:
        if value:
            table.add_row(name, value)
    console.print(table)


def _print_record(record: ProposalRecord, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.JSON:
        print_json(record.model_dump(mode="json"))
        return
    console.print(
        f"[bold]#{record.id} {escape(record.title)}[/] by {escape(record.author)}: "
        f"{record.state.value}, risk {record.risk}"
    )
    if record.review is not None:
        _print_review(record.review)
    if record.votes:
        console.print(
            "votes: " + ", ".join(f"{who} {choice.value}" for who, choice in sorted(record.votes.items()))
        )
    for said in record.comments:
        console.print(f"  {said.author} ({said.at:%Y-%m-%d %H:%M}): {said.text}", markup=False)
    if record.decision is not None:
        _print_decision(record.decision)


def _print_decision(record: DecisionRecord) -> None:
    console.print(record.markdown(), markup=False, highlight=False)


def propose(
    file: Annotated[Path, typer.Argument(help="Proposal YAML file.")],
    draft: Annotated[bool, typer.Option("--draft", help="Keep it as a draft; do not submit it yet.")] = False,
    user: UserOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Submit a proposal; the automated review runs at once (standards, impact, verdict)."""
    proposal = gov.load_proposal(file)
    with open_target(workspace, database) as store:
        record = gov.create_proposal(store, proposal, author_name(user), submit=not draft)
    _print_record(record, fmt)


def proposals(
    state: Annotated[
        ProposalState | None, typer.Option("--state", help="Only proposals in this state.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """The review queue, newest first."""
    with open_target(workspace, database) as store:
        items, total = gov.list_proposals(store, state=state, limit=limit, offset=offset)
    if fmt is OutputFormat.JSON:
        print_json({"total": total, "items": [p.model_dump(mode="json") for p in items]})
        return
    table = Table("id", "title", "author", "state", "risk", "verdict", title=f"proposals ({total})")
    for p in items:
        table.add_row(str(p.id), escape(p.title), escape(p.author), p.state.value, p.risk, p.verdict or "")
    console.print(table)


def review(
    proposal_id: IdArg,
    rerun: Annotated[bool, typer.Option("--rerun", help="Run the automated review again first.")] = False,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Show a proposal with its automated review, votes, comments and decision."""
    with open_target(workspace, database) as store:
        if rerun:
            gov.run_review(store, proposal_id)
        record = gov.get_proposal(store, proposal_id)
    _print_record(record, fmt)


def comment(
    proposal_id: IdArg,
    text: Annotated[str, typer.Argument(help="The comment.")],
    user: UserOption = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Comment on a proposal."""
    with open_target(workspace, database) as store:
        said = gov.comment(store, proposal_id, author_name(user), text)
    console.print(f"comment {said.id} added to proposal #{proposal_id}")


def vote(
    proposal_id: IdArg,
    choice: Annotated[VoteChoice, typer.Argument(help="approve, reject or abstain.")],
    user: UserOption = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Vote on a proposal in review (a new vote replaces your earlier one)."""
    with open_target(workspace, database) as store:
        votes = gov.vote(
            store, proposal_id, author_name(user), choice, settings=gov.GovernanceSettings.from_env()
        )
    console.print(
        f"votes on #{proposal_id}: " + ", ".join(f"{w} {c.value}" for w, c in sorted(votes.items()))
    )


def approve(
    proposal_id: IdArg,
    conditions: Annotated[
        list[str] | None,
        typer.Option("--condition", "--conditions", help="A condition of the approval; repeatable."),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="The decision in your words.")] = "",
    user: UserOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Approve a proposal and apply it to the model as one change set (refused if the review is stale)."""
    with open_target(workspace, database) as store:
        record = gov.approve(
            store,
            proposal_id,
            author_name(user),
            conditions=list(conditions or []),
            note=note,
            settings=gov.GovernanceSettings.from_env(),
        )
    _emit_decision(record, fmt)


def reject(
    proposal_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected.")] = "",
    user: UserOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Reject a proposal; the model is not touched."""
    with open_target(workspace, database) as store:
        record = gov.reject(store, proposal_id, author_name(user), reason=reason)
    _emit_decision(record, fmt)


def withdraw(
    proposal_id: IdArg,
    user: UserOption = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Withdraw your own open proposal."""
    with open_target(workspace, database) as store:
        record = gov.withdraw(store, proposal_id, author_name(user))
    console.print(f"proposal #{record.id} withdrawn")


def decisions(
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Decision records, newest first (Markdown ADRs, or JSON)."""
    with open_target(workspace, database) as store:
        records = gov.list_decisions(store, limit=limit)
    if fmt is OutputFormat.JSON:
        print_json([r.model_dump(mode="json") for r in records])
        return
    for record in records:
        _print_decision(record)


def audit(
    user: Annotated[str | None, typer.Option("--user", help="Only entries by this user.")] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", help="Only entries from this moment on (ISO date or time, UTC)."),
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="Only entries for kind:key or proposal:ID.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """The append-only audit log, newest first: every write and decision with its user."""
    with open_target(workspace, database) as store:
        entries = gov.read_audit(store, target=target, user=user, since=since, limit=limit)
    if fmt is OutputFormat.JSON:
        print_json([e.model_dump(mode="json") for e in entries])
        return
    table = Table("at", "user", "action", "target", "revision", "reason")
    for e in entries:
        reason = str(e.detail.get("reason", ""))
        at = e.at.strftime("%Y-%m-%d %H:%M:%S")
        revision = "" if e.revision is None else str(e.revision)
        table.add_row(at, escape(e.user), e.action, escape(e.target), revision, escape(reason))
    console.print(table)


def _emit_decision(record: DecisionRecord, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.JSON:
        print_json(record.model_dump(mode="json"))
    else:
        _print_decision(record)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for command in (propose, proposals, review, comment, vote, approve, reject, withdraw, decisions, audit):
        app.command(command.__name__)(command)
