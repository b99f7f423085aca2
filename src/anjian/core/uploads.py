"""Upload checks: size, extension, and that the content is what the extension says.

One validator for every file field and attachment; messages name what is wrong.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# Extension → check of the first bytes (or of the archive, for Office files).
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
_OFFICE = {".docx": "word/", ".xlsx": "xl/"}

DOCUMENTS = (".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png")
IMAGES = (".jpg", ".jpeg", ".png")


def _content_matches(extension: str, upload: Any) -> bool:
    upload.seek(0)
    if extension in _OFFICE:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(_OFFICE[extension]) for n in names)
    head = upload.read(16)
    upload.seek(0)
    return any(head.startswith(magic) for magic in _MAGIC[extension])


@deconstructible
class UploadValidator:
    """Accepts files with one of ``extensions`` whose content matches, up to ANJIAN_UPLOAD_MAX_BYTES."""

    def __init__(self, extensions: tuple[str, ...] = DOCUMENTS) -> None:
        self.extensions = extensions

    def __call__(self, upload: Any) -> None:
        name = getattr(upload, "name", "") or ""
        extension = PurePath(name).suffix.lower()
        if extension not in self.extensions:
            raise ValidationError(
                _("不支持的文件类型 %(ext)s，仅支持：%(allowed)s。")
                % {"ext": extension or _("（无扩展名）"), "allowed": "、".join(self.extensions)},
                code="file_type",
            )
        size = getattr(upload, "size", 0) or 0
        if size == 0:
            raise ValidationError(_("文件为空。"), code="file_empty")
        if size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("文件过大（%(size).1f MB），上限为 %(max).1f MB。")
                % {"size": size / 1048576, "max": settings.UPLOAD_MAX_BYTES / 1048576},
                code="file_size",
            )
        if not _content_matches(extension, upload):
            raise ValidationError(
                _("文件内容与扩展名 %(ext)s 不符，请上传真实的 %(ext)s 文件。") % {"ext": extension},
                code="file_content",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator) and other.extensions == self.extensions

    def __hash__(self) -> int:
        return hash(self.extensions)


validate_document = UploadValidator(DOCUMENTS)
validate_image = UploadValidator(IMAGES)
