from __future__ import annotations

from rest_framework import serializers

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
