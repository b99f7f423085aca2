"""Data exchange between nodes (ARCHITECTURE.md section 5, docs/exchange.md).

The sender side: ``OutboxEntry`` (one row per change to a shared model, numbered by the gapless
per-node ``NodeSequence``), ``NodeKey`` (this node's signing keys; private halves on disk) and,
per peer, the sent/acknowledged sequence. The receiver side: per sender the last applied sequence,
``Receipt`` (one per batch applied or refused), ``QuarantinedBatch`` (held until a gap is filled, or
rejected with its reason) and ``ResendRequest``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors


class NodeSequence(models.Model):
    """The node's one outbox counter. Writers of shared models take its row lock for the rest of
    their transaction, so sequence numbers are gapless and commit in order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(_("当前序号"), default=0)

    class Meta:
        verbose_name = _("交换序号")
        verbose_name_plural = _("交换序号")

    def __str__(self) -> str:
        return str(self.value)


class OutboxEntry(models.Model):
    """One change to a shared record, as the payload line it travels as (canonical JSON)."""

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    model = models.CharField(_("数据集"), max_length=100)
    uid = models.UUIDField(_("全局标识"), db_index=True)
    version = models.PositiveIntegerField(_("版本"))
    op = models.CharField(_("操作"), max_length=8)
    line = models.TextField(_("数据行"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("交换发件箱")
        verbose_name_plural = _("交换发件箱")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.model} {self.uid} v{self.version}"


class NodeKey(models.Model):
    """A signing key of this node. The private half is a file under VAR_DIR/exchange (mode 0600);
    rotation makes a new active key and keeps the old public keys."""

    key_id = models.CharField(_("密钥标识"), max_length=32, unique=True)
    suite = models.CharField(_("密码套件"), max_length=8)
    public_key = models.TextField(_("公钥（PEM）"))
    active = models.BooleanField(_("当前使用"), default=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节点密钥")
        verbose_name_plural = _("节点密钥")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key_id


class PeerMode(models.TextChoices):
    PUSH = "push", _("推送")
    PULL = "pull", _("拉取")
    FILE = "file", _("文件")


class Peer(models.Model):
    """Another node this node exchanges with: its code, keys, transport and both streams' state."""

    code = models.CharField(_("节点代码"), max_length=16, unique=True)
    url = models.URLField(_("地址"), blank=True)
    mode = models.CharField(_("传输方式"), max_length=8, choices=PeerMode.choices, default=PeerMode.PUSH)
    enabled = models.BooleanField(_("启用"), default=True)
    # Outbound stream (this node -> peer): the last sequence sent and the last acknowledged.
    sent_seq = models.BigIntegerField(_("已发送序号"), default=0)
    acked_seq = models.BigIntegerField(_("已确认序号"), default=0)
    # Inbound stream (peer -> this node): the last sequence applied here.
    received_seq = models.BigIntegerField(_("已接收序号"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("最近错误时间"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("最近成功交换"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("交换对端")
        verbose_name_plural = _("交换对端")
        ordering = ["code"]
        permissions = [("monitor_exchange", _("查看数据交换监控"))]

    def __str__(self) -> str:
        return self.code


class PeerKey(models.Model):
    """A public key of a peer; old keys stay to verify old batches until disabled."""

    peer = models.ForeignKey(Peer, verbose_name=_("对端"), on_delete=models.CASCADE, related_name="keys")
    key_id = models.CharField(_("密钥标识"), max_length=32)
    suite = models.CharField(_("密码套件"), max_length=8)
    public_key = models.TextField(_("公钥（PEM）"))
    enabled = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("对端公钥")
        verbose_name_plural = _("对端公钥")
        constraints = [models.UniqueConstraint(fields=["peer", "key_id"], name="exchange_peerkey_unique")]

    def __str__(self) -> str:
        return f"{self.peer_id}:{self.key_id}"


@with_colors(applied="green", duplicate="secondary", held="yellow", rejected="red")
class ReceiptStatus(models.TextChoices):
    APPLIED = "applied", _("已应用")
    DUPLICATE = "duplicate", _("重复，未改变数据")
    HELD = "held", _("暂存待补缺")
    REJECTED = "rejected", _("拒收")


class Receipt(models.Model):
    """What the receiver did with one batch (the delivery log; signed copies go back to the sender)."""

    sender = models.CharField(_("发送节点"), max_length=16, db_index=True)
    first_seq = models.BigIntegerField(_("起始序号"))
    last_seq = models.BigIntegerField(_("结束序号"))
    count = models.PositiveIntegerField(_("记录数"))
    applied = models.PositiveIntegerField(_("应用记录数"), default=0)
    status = models.CharField(_("结果"), max_length=10, choices=ReceiptStatus.choices)
    error = models.CharField(_("错误代码"), max_length=32, blank=True)
    payload_hash = models.CharField(_("载荷摘要"), max_length=64)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("交换回执")
        verbose_name_plural = _("交换回执")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sender} {self.first_seq}-{self.last_seq} {self.status}"


@with_colors(held="yellow", rejected="red", released="green")
class QuarantineStatus(models.TextChoices):
    HELD = "held", _("暂存待补缺")
    REJECTED = "rejected", _("拒收")
    RELEASED = "released", _("已补缺应用")


class QuarantinedBatch(models.Model):
    """A batch not applied: held until the sequence gap before it is filled, or rejected."""

    sender = models.CharField(_("发送节点"), max_length=16, blank=True, db_index=True)
    first_seq = models.BigIntegerField(_("起始序号"), null=True)
    last_seq = models.BigIntegerField(_("结束序号"), null=True)
    status = models.CharField(_("状态"), max_length=10, choices=QuarantineStatus.choices)
    error = models.CharField(_("错误代码"), max_length=32)
    reason = models.CharField(_("原因"), max_length=500)
    content = models.BinaryField(_("批次内容"))
    # False: refused before the content was verified as the named sender's (anyone can send
    # those), so only the start of the content is kept and only the latest few such records.
    authenticated = models.BooleanField(_("来源已验证"), default=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("隔离批次")
        verbose_name_plural = _("隔离批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sender} {self.first_seq}-{self.last_seq} {self.error}"


class ResendRequest(models.Model):
    """A gap found in a sender's stream: the sender is asked to send again from ``from_seq``."""

    peer = models.ForeignKey(Peer, verbose_name=_("对端"), on_delete=models.CASCADE, related_name="+")
    from_seq = models.BigIntegerField(_("补发起始序号"))
    created_at = models.DateTimeField(_("请求时间"), auto_now_add=True)
    filled_at = models.DateTimeField(_("补齐时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补发请求")
        verbose_name_plural = _("补发请求")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.peer_id} >{self.from_seq}"


class RequestNonce(models.Model):
    """A signed mailbox request already served (its node and random nonce), kept while its time is
    within the clock-skew window so that the same request cannot be replayed; older rows are
    deleted as new requests arrive."""

    node = models.CharField(_("节点代码"), max_length=16)
    nonce = models.CharField(_("随机数"), max_length=64)
    time = models.DateTimeField(_("请求时间"), db_index=True)

    class Meta:
        verbose_name = _("取件请求随机数")
        verbose_name_plural = _("取件请求随机数")
        constraints = [models.UniqueConstraint(fields=["node", "nonce"], name="exchange_requestnonce_unique")]

    def __str__(self) -> str:
        return f"{self.node}:{self.nonce}"
