"""Reading KoboToolbox/ODK exports: the first sheet of an XLSX or a CSV (comma, semicolon or
tab), one submission a row, columns named by question ("XML values and headers"). Group paths
("health/has_chronic") are read by their last part; the one-column-per-choice expansion of a
select_multiple ("barriers/cost") and the tool's own columns (_id, _submission_time, start,
end, meta/..., formhub/...) are ignored. Pure: no database."""

import csv
import io

from django.utils.translation import gettext as _

from . import survey_forms

META = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber"}
META |= {"username", "audit", "instanceID", "instanceName", "__version__", "KEY", "SubmissionDate"}
ID_COLUMNS = ("_uuid", "meta/instanceID", "instanceID", "KEY")


def read(content, kind):
    """(header, [(row number as the user sees it, {column: value})]); empty rows dropped."""
    if kind == "text/csv":
        text = content.decode("utf-8-sig")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    else:
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a broken zip
            from django.core.exceptions import ValidationError

            raise ValidationError({"file": _("This is not a readable XLSX workbook.")}) from exc
        sheet = book.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
    if not table:
        return [], []
    header = ["" if h is None else str(h).strip() for h in table[0]]
    rows = []
    for number, row in enumerate(table[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        cells = {}
        for column, value in zip(header, row, strict=False):
            if column:
                cells[column] = value.strip() if isinstance(value, str) else value
        rows.append((number, cells))
    return header, rows


def _ignored(column):
    return (
        column.startswith("_")
        or column in META
        or column.startswith(("meta/", "formhub/", "__"))
        or column in ID_COLUMNS
    )


def map_columns(form, header):
    """({column: question name}, [problems]): every column that is neither a question of the
    form nor one the tools add is named, so a file for another form or version is refused."""
    by_name = {q["name"]: q for q in survey_forms.questions(form)}
    columns, problems, taken = {}, [], {}
    for column in header:
        if not column or _ignored(column):
            continue
        parts = column.split("/")
        name = column if column in by_name else None
        if name is None and len(parts) >= 2:
            parent = by_name.get(parts[-2])
            if parent and parent["type"] == "select_multiple":
                known = {c["name"] for c in survey_forms.choices(form, parent)}
                if parts[-1] in known:
                    continue  # the export's 0/1 column for one choice; the main column counts
            if parts[-1] in by_name:
                name = parts[-1]
        if name is None:
            problems.append(
                _("Column %(column)s is not a question of this form.") % {"column": column}
            )
        elif name in taken:
            problems.append(
                _("Columns %(first)s and %(second)s both answer %(question)s.")
                % {"first": taken[name], "second": column, "question": name}
            )
        else:
            columns[column] = name
            taken[name] = column
    missing = [
        q["name"]
        for q in survey_forms.questions(form)
        if q.get("required") and q["name"] not in taken and not q.get("relevant")
    ]
    if missing:
        problems.append(
            _("The file has no column for %(questions)s.") % {"questions": ", ".join(missing)}
        )
    return columns, problems


def submission_id(cells):
    for column in ID_COLUMNS:
        value = cells.get(column)
        if value not in (None, ""):
            text = str(value).strip()
            return text[5:] if text.startswith("uuid:") else text
    return ""
