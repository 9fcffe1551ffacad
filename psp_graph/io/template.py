"""A blank spreadsheet to fill in: one sheet per section with the columns its
records take, and an ``allowed values`` sheet listing the ontology's classes,
roles, relationship types and coded values (with drop-down lists where a column
takes one coded value). A filled-in template loads with ``psp load``.
"""

from __future__ import annotations

from pathlib import Path

from psp_graph.exc import InvalidData
from psp_graph.model import LINK_RECORDS, NODE_RECORDS
from psp_graph.ontology import Ontology
from psp_graph.validate import SECTION_KINDS

__all__ = ["write_template"]

_NOT_INPUT = {"pseudonym"}


def _columns(onto: Ontology) -> dict[str, list[str]]:
    sheets: dict[str, list[str]] = {}
    for section, kind in SECTION_KINDS.items():
        fields = [f for f in NODE_RECORDS[kind].model_fields if f not in {"id", "name", "types", *_NOT_INPUT}]
        sheets[section] = ["id", "name", "types", *fields]
    link_fields: list[str] = []
    for record in LINK_RECORDS.values():
        link_fields.extend(
            f for f in record.model_fields if f not in {"id", "type", "source", "target", *link_fields}
        )
    sheets["links"] = ["type", "from", "to", "id", *link_fields]
    return sheets


def allowed_values(onto: Ontology) -> list[tuple[str, str, str]]:
    """(column, value, meaning) rows: classes and roles, relationship types, coded values."""
    rows = [("types", c.name, c.comment) for c in onto.classes.values() if c.name not in {"Node", "Actor"}]
    rows += [("types", r.name, r.comment) for r in onto.roles.values()]
    rows += [("type", name, rel.comment) for name, rel in onto.relations.items()]
    for name, spec in onto.attributes.items():
        if spec.vocabulary:
            vocab = onto.vocabularies[spec.vocabulary]
            rows += [(name, code, vocab.labels.get(code, code)) for code in vocab.codes]
    for cls in onto.classes.values():
        if cls.kind_vocabulary and cls.kind_vocabulary in onto.vocabularies:
            vocab = onto.vocabularies[cls.kind_vocabulary]
            rows += [(f"kind ({cls.section})", code, vocab.labels.get(code, code)) for code in vocab.codes]
    rows += [("issues", i.removeprefix("issue:"), c.label) for i, c in onto.issues.items()]
    return rows


def write_template(onto: Ontology, path: Path) -> None:
    """Write the template workbook to ``path`` (.xlsx; needs the xlsx extra)."""
    if path.suffix.lower() != ".xlsx":
        raise InvalidData("the template is a spreadsheet: give a file name ending in .xlsx", file=str(path))
    try:
        import openpyxl
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError:
        raise InvalidData("writing .xlsx needs the xlsx extra (pip install 'psp-graph[xlsx]')") from None
    book = openpyxl.Workbook()
    book.remove(book.active)
    values = allowed_values(onto)
    allowed = book.create_sheet("allowed values")
    allowed.append(["column", "value", "meaning"])
    for row in values:
        allowed.append(list(row))
    spans: dict[str, tuple[int, int]] = {}
    for index, (column, _, _) in enumerate(values, start=2):
        first, _last = spans.get(column, (index, index))
        spans[column] = (first, index)
    for section, columns in _columns(onto).items():
        sheet = book.create_sheet(section, index=len(book.sheetnames) - 1)
        sheet.append(columns)
        for number, column in enumerate(columns, start=1):
            if column in spans and column not in {"types", "issues"}:  # one value per cell
                first, last = spans[column]
                check = DataValidation(type="list", formula1=f"='allowed values'!$B${first}:$B${last}")
                letter = openpyxl.utils.get_column_letter(number)
                check.add(f"{letter}2:{letter}1000")
                sheet.add_data_validation(check)
    book.save(path)
