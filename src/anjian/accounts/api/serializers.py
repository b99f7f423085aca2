from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from anjian.accounts.administration import validate_account
from anjian.accounts.models import Organization, User


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name", "org_type", "level", "region", "sectors", "enterprise", "parent", "uscc"]


class UserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True, default=None)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "organization",
            "organization_name",
            "roles",
            "is_active",
            "last_login",
        ]

    def get_roles(self, user: User) -> list[str]:
        return sorted(role.code for role in user.roles.all())


class AccountCreateSerializer(serializers.Serializer[Any]):
    """A new account (system administrator only). Every field is optional here so that each
    message, including a missing value, comes from ``validate_account`` as on the page and in the
    import."""

    username = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    full_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            validate_account(attrs["username"], attrs["full_name"], attrs["organization"], attrs["phone"])
        except DjangoValidationError as e:
            raise serializers.ValidationError(get_error_detail(e)) from e
        return attrs


class NewAccountSerializer(UserSerializer):
    """The created account with its initial password: the only answer that ever carries it."""

    initial_password = serializers.SerializerMethodField()
    must_change_password = serializers.BooleanField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "phone", "must_change_password", "initial_password"]

    def get_initial_password(self, user: User) -> str:
        return str(self.context["initial_password"])
