"""The API's request parsing: absurdly nested JSON is a 400 with a message on every endpoint."""

from __future__ import annotations

from django.test import TestCase
from rest_framework.test import APIClient

from anjian.core.testing import provincial_inspector


class NestedJSONTests(TestCase):
    def test_deep_nesting_is_a_bad_request_not_a_server_error(self) -> None:
        client = APIClient()
        client.force_authenticate(provincial_inspector("bj", "110000"))
        body = "[" * 100_000 + "]" * 100_000
        response = client.post("/api/v1/enterprises/", body, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("JSON 嵌套层数过多", response.json()["detail"])
