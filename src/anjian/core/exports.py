"""Spreadsheet export of a table. Text is always written as text: a value starting with ``=``
must not become a live formula in the recipient's spreadsheet program (CWE-1236)."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows: Any) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(["" if value is None else value for value in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(table: Any, filename: str, exclude_columns: tuple[str, ...] = ()) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table.as_values(exclude_columns=exclude_columns)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
