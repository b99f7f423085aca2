"""Spreadsheet import: read an XLSX/CSV file, validate every row with the model's own form
(the same validators as the UI and the API), preview, then write through the service layer.

Nothing is written when any row is bad, unless the user chooses to import only the good rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from anjian.core.registry import ModelSpec


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


@dataclass
class ImportRow:
    number: int  # the row number as the user sees it in the spreadsheet (header is row 1)
    data: dict[str, str]
    errors: list[str] = field(default_factory=list)
    # The validated, unsaved record (set by ``validate`` for good rows; ``apply`` saves it).
    instance: Any = field(default=None, repr=False, compare=False)


@dataclass
class ImportReport:
    columns: list[str]
    rows: list[ImportRow]

    @property
    def good(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.errors]

    @property
    def bad(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]


@dataclass(frozen=True)
class ImportColumn:
    name: str  # the form field
    label: str  # the column title in the template
    required: bool  # the file must have this column
    default: str | None  # the value used when the file leaves the column out
    boolean: bool = False  # 是/否 column
    choices: tuple[tuple[str, str], ...] = ()  # (label, value): a cell may hold either
    aliases: tuple[str, ...] = ()  # the Chinese title, accepted whatever the UI language


TRUE_WORDS = frozenset({"是", "1", "true", "yes", "y", "√"})
FALSE_WORDS = frozenset({"否", "0", "false", "no", "n", ""})


def cell_value(column: ImportColumn, raw: str) -> tuple[str, str | None]:
    """The form value for a cell, and an error message when the cell cannot be read."""
    if column.boolean:
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return "on", None
        if word in FALSE_WORDS:
            return "", None
        return raw, _("%(label)s：应填写“是”或“否”，而不是“%(value)s”。") % {
            "label": column.label,
            "value": raw,
        }
    for label, value in column.choices:
        if raw == label:
            return value, None
    return raw, None


def import_columns(spec: ModelSpec) -> list[ImportColumn]:
    """The columns of the import template, in order, read from the model's form. Titles and choice
    labels are accepted in the user's language and in Chinese, so templates can be shared."""
    columns = _form_columns(spec)
    with translation.override("zh-hans"):
        chinese = _form_columns(spec)
    return [
        replace(column, aliases=(zh.label,), choices=column.choices + zh.choices)
        for column, zh in zip(columns, chinese, strict=True)
    ]


def _form_columns(spec: ModelSpec) -> list[ImportColumn]:
    form = spec.form(user=None)
    columns = []
    # Files cannot travel in a spreadsheet cell: they are uploaded on the record's page.
    names = spec.import_fields or [n for n, f in form.fields.items() if not isinstance(f, forms.FileField)]
    for name in names:
        form_field = form.fields[name]
        initial = form.get_initial_for_field(form_field, name)
        default = None if initial in (None, "", [], False) else str(initial)
        plain_choices = isinstance(form_field, forms.ChoiceField) and not isinstance(
            form_field, forms.ModelChoiceField
        )
        choices = tuple(
            (str(label), str(value))
            for value, label in (form_field.choices if plain_choices else ())
            if value not in ("", None)
        )
        columns.append(
            ImportColumn(
                name,
                str(form_field.label),
                bool(form_field.required),
                default,
                boolean=isinstance(form_field, forms.BooleanField),
                choices=choices,
            )
        )
    return columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(upload: UploadedFile[bytes]) -> tuple[list[str], list[list[str]]]:
    name = (upload.name or "").lower()
    size = upload.size or 0
    if size == 0:
        raise ImportFileError(_("文件为空。"))
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("文件过大（%(size).1f MB），上限为 %(max).1f MB。")
            % {"size": size / 1048576, "max": settings.IMPORT_MAX_BYTES / 1048576}
        )
    content = upload.read()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(content)
    elif name.endswith(".csv"):
        rows = _read_csv(content)
    else:
        raise ImportFileError(_("仅支持 .xlsx 或 .csv 文件。"))
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        raise ImportFileError(_("文件为空。"))
    if len(rows) - 1 > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("数据行过多（%(n)d 行），单次最多导入 %(max)d 行。")
            % {"n": len(rows) - 1, "max": settings.IMPORT_MAX_ROWS}
        )
    header, body = rows[0], rows[1:]
    if not body:
        raise ImportFileError(_("文件只有表头，没有数据行。"))
    return header, body


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportFileError(_("文件扩展名为 .xlsx，但内容不是有效的 Excel 文件。"))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for broken files
        raise ImportFileError(_("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式。")) from e
    sheet = workbook.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    if b"\x00" in content:
        raise ImportFileError(_("CSV 文件包含二进制内容，无法识别。请另存为 UTF-8 或 GBK 编码的 CSV。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("文件编码无法识别，请使用 UTF-8 或 GBK 编码的 CSV。"))
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as e:
        raise ImportFileError(_("CSV 格式错误：%(error)s") % {"error": e}) from e


def map_columns(columns: list[ImportColumn], header: list[str]) -> list[str]:
    """The form field for each column; columns may be named by label (企业名称) or field name (name)."""
    by_label = {title: c.name for c in columns for title in (c.name, c.label, *c.aliases)}
    mapped: list[str] = []
    unknown: list[str] = []
    for title in header:
        if title in by_label:
            mapped.append(by_label[title])
        else:
            unknown.append(title or _("（空列名）"))
    expected = "、".join(c.label for c in columns)
    if unknown:
        raise ImportFileError(
            _("无法识别的列：%(cols)s。应为：%(expected)s。")
            % {"cols": "、".join(unknown), "expected": expected}
        )
    missing = [c.label for c in columns if c.required and c.default is None and c.name not in mapped]
    if missing:
        raise ImportFileError(_("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)})
    duplicated = sorted({name for name in mapped if mapped.count(name) > 1})
    if duplicated:
        raise ImportFileError(_("列重复：%(cols)s。") % {"cols": "、".join(duplicated)})
    return mapped


def _form_errors(form: Any) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.append(f"{label}：{error}" if label else str(error))
    return messages


def validate(spec: ModelSpec, user: Any, header: list[str], body: list[list[str]]) -> ImportReport:
    columns = import_columns(spec)
    names = map_columns(columns, header)
    by_name = {c.name: c for c in columns}
    defaults = {c.name: c.default for c in columns if c.default is not None}
    report = ImportReport(columns=names, rows=[])
    seen: dict[str, int] = {}
    for offset, values in enumerate(body, start=2):
        data = dict(defaults)
        cell_errors = []
        for i, name in enumerate(names):
            value, error = cell_value(by_name[name], values[i] if i < len(values) else "")
            data[name] = value
            if error:
                cell_errors.append(error)
        row = ImportRow(number=offset, data=data)
        form = spec.form(data=data, user=user)
        if form.is_valid():
            row.instance = form.save(commit=False)
        else:
            row.errors = _form_errors(form)
        row.errors = cell_errors + row.errors
        if spec.import_key:
            key = form.cleaned_data.get(spec.import_key) if hasattr(form, "cleaned_data") else None
            key = key or data.get(spec.import_key, "")
            if key and key in seen:
                row.errors.append(_("与第 %(row)d 行重复。") % {"row": seen[key]})
            elif key:
                seen[key] = offset
        report.rows.append(row)
    return report


@transaction.atomic
def apply(spec: ModelSpec, user: Any, report: ImportReport, *, only_valid: bool) -> int:
    """Write the good rows through the service layer; all or nothing."""
    if report.bad and not only_valid:
        raise ImportFileError(_("文件中有 %(n)d 行错误，未导入任何数据。") % {"n": len(report.bad)})
    count = 0
    for row in report.good:
        # The service validates the record again (model rules, uniqueness) and re-checks the scope
        # after saving, so a row that became invalid since ``validate`` still fails here.
        try:
            spec.save(row.instance, user=user, scope_error_field=spec.scope_error_field)
        except ValidationError as e:
            raise ImportFileError(
                _("第 %(row)d 行：%(errors)s") % {"row": row.number, "errors": "；".join(e.messages)}
            ) from e
        count += 1
    return count


# Pending imports live in var/imports between preview and confirmation, tied to the user.
def _pending_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


PENDING_HOURS = 24  # an abandoned preview is deleted after this long


def stash(user: Any, header: list[str], body: list[list[str]]) -> str:
    """Keep the rows between preview and confirmation: readable by the node's user only, and
    pruned when abandoned (the rows may hold personal data)."""
    directory = _pending_dir()
    cutoff = time.time() - PENDING_HOURS * 3600
    for old in directory.glob("*.json"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    payload = json.dumps({"user": user.pk, "header": header, "body": body}, ensure_ascii=False)
    fd = os.open(directory / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(payload)
    return token


def unstash(user: Any, token: str) -> tuple[list[str], list[list[str]]]:
    if not token.isalnum():
        raise ImportFileError(_("导入会话已失效，请重新上传文件。"))
    path = _pending_dir() / f"{token}.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ImportFileError(_("导入会话已失效，请重新上传文件。")) from e
    if payload["user"] != user.pk:
        raise ImportFileError(_("导入会话已失效，请重新上传文件。"))
    return payload["header"], payload["body"]


def discard(token: str) -> None:
    if token.isalnum():
        (_pending_dir() / f"{token}.json").unlink(missing_ok=True)
