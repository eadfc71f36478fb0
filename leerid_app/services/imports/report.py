"""The preview and the result as plain text, for the command line and the nightly job's mail."""

from __future__ import annotations

from leerid_app.services.imports.plan import (
    CATEGORY_LABELS,
    MSG_SUMMER_RULE,
    Category,
    ImportPlan,
    ImportResult,
)

# The unchanged pupils are counted, not listed: they are most of every nightly file.
LISTED = (Category.NEW, Category.CHANGED, Category.ENDING, Category.REFUSED)


def preview_text(plan: ImportPlan, *, school: str, file_name: str) -> str:
    """Counts, then one line per pupil (changes and reasons indented below it)."""
    lines = [f"Instelling: {school}", f"Bestand: {file_name} ({plan.file_kind})"]
    if plan.ignored_columns:
        lines.append(f"Genegeerde kolommen: {', '.join(plan.ignored_columns)}")
    lines += [f"{CATEGORY_LABELS[category]}: {plan.count(category)}" for category in Category]
    if plan.summer_rule:
        lines.append(MSG_SUMMER_RULE)
    for category in LISTED:
        if not plan.items[category]:
            continue
        lines += ["", f"{CATEGORY_LABELS[category]}:"]
        for item in plan.items[category]:
            where = f"rij {item.row_number}" if item.row_number is not None else "-"
            fields = [where, item.stamnummer, item.name, item.administrative_group]
            lines.append("  " + "  ".join(field for field in fields if field))
            lines += [f"      {detail}" for detail in item.details]
    return "\n".join(lines)


def result_text(result: ImportResult) -> str:
    """One line: what the applied import changed."""
    return (
        f"Import uitgevoerd: {result.new} nieuw, {result.changed} gewijzigd, "
        f"{result.ended} einde inschrijving, {result.unchanged} ongewijzigd, "
        f"{result.refused} geweigerd."
    )
