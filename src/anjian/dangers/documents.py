"""The supervision listing document (重大事故隐患挂牌督办通知书), generated as .docx."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from anjian.dangers.models import SupervisionListing, review_days


def _date(value: object) -> str:
    return f"{value:%Y年%m月%d日}" if value else "—"


def listing_document(listing: SupervisionListing) -> bytes:
    danger = listing.danger
    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(_("重大事故隐患挂牌督办通知书"))
    run.bold = True
    run.font.size = Pt(18)
    number = doc.add_paragraph(listing.document_no)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{danger.enterprise.name}：")
    doc.add_paragraph(
        _(
            "经检查，你单位存在下列重大事故隐患。依据《安全生产事故隐患排查治理暂行规定》，"
            "现决定对该隐患实行挂牌督办。"
        )
    )
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        (_("企业名称"), danger.enterprise.name),
        (_("统一社会信用代码"), danger.enterprise.uscc),
        (_("隐患部位"), danger.place),
        (_("隐患描述"), danger.description),
        (_("判定依据"), f"{danger.category.standard} {danger.category.code}" if danger.category else "—"),
        (_("发现日期"), _date(danger.found_at)),
        (_("挂牌日期"), _date(listing.listed_at)),
        (_("督办整改期限"), _date(listing.deadline)),
        (_("整改责任人"), danger.responsible_person),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = str(label)
        cells[1].text = str(value)
    doc.add_paragraph()
    doc.add_paragraph(_("督办要求："))
    for line in listing.requirements.splitlines():
        if line.strip():
            doc.add_paragraph(line.strip())
    doc.add_paragraph(
        _(
            "你单位应当按照督办要求落实治理方案，定期报告整改进展；整改完成后提出书面销号申请，"
            "我单位自收到申请之日起 %(days)d 日内进行现场审核。"
        )
        % {"days": review_days()}
    )
    signature = doc.add_paragraph(listing.authority.name)
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    stamp = doc.add_paragraph(_date(listing.listed_at))
    stamp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = doc.add_paragraph(
        _("本文书由系统生成于 %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    )
    footer.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
