"""The API root, the OpenAPI schema and its docs page (served without any CDN), the health check and
the pagination shape shared by every list endpoint."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.test import TestCase
from rest_framework.test import APIClient

from anjian.accounts.models import User
from anjian.core.testing import provincial_inspector
from anjian.regions.models import Region

URL = re.compile(r"""https?://[^\s"'<>)]+""")
ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def _id_parameter(schema: dict[str, Any], path: str) -> dict[str, Any]:
    operation = schema["paths"][path]["get"]
    [parameter] = [p for p in operation["parameters"] if p["name"] == "id" and p["in"] == "path"]
    result: dict[str, Any] = parameter["schema"]
    return result


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


class APIRootTest(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("beijing", "110000")

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.user)

    def test_root_lists_the_collections(self) -> None:
        response = self.api.get("/api/v1/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        for name in ("regions", "organizations", "users", "enterprises"):
            with self.subTest(collection=name):
                self.assertIn(name, body)
                self.assertTrue(body[name].endswith(f"/api/v1/{name}/"), body[name])

    def test_root_needs_authentication(self) -> None:
        self.assertEqual(APIClient().get("/api/v1/").status_code, 401)

    def schema(self) -> dict[str, Any]:
        response = self.api.get("/api/v1/schema/", {"format": "json"})
        self.assertEqual(response.status_code, 200)
        schema: dict[str, Any] = response.json()
        return schema

    def test_schema_is_openapi_3(self) -> None:
        schema = self.schema()
        self.assertTrue(str(schema["openapi"]).startswith("3"), schema["openapi"])
        self.assertIn("title", schema["info"])
        paths = schema["paths"]
        for path in (
            "/api/v1/enterprises/",
            "/api/v1/enterprises/{id}/",
            "/api/v1/regions/",
            "/api/v1/organizations/",
            "/api/v1/users/",
        ):
            with self.subTest(path=path):
                self.assertIn(path, paths)
        self.assertLessEqual({"get", "post"}, set(paths["/api/v1/enterprises/"]))
        self.assertLessEqual({"get", "put", "patch", "delete"}, set(paths["/api/v1/enterprises/{id}/"]))
        self.assertNotIn("post", paths["/api/v1/regions/"])
        # Every reference points at a component the document defines.
        defined = {f"#/components/schemas/{name}" for name in schema["components"]["schemas"]}
        refs = set(_refs(schema))
        self.assertTrue(refs)
        self.assertLessEqual(refs, defined)

    def test_schema_types_the_id_path_parameter(self) -> None:
        self.assertEqual(_id_parameter(self.schema(), "/api/v1/enterprises/{id}/")["type"], "integer")
        self.assertEqual(_id_parameter(self.schema(), "/api/v1/users/{id}/")["type"], "integer")

    def test_schema_and_docs_need_a_signed_in_user(self) -> None:
        # The interface description of a government system is not published to anonymous callers.
        self.assertEqual(APIClient().get("/api/v1/schema/", {"format": "json"}).status_code, 401)
        self.assertIn(APIClient().get("/api/v1/docs/").status_code, (401, 403))

    def test_schema_declares_bearer_authentication(self) -> None:
        schema = self.schema()
        bearer = [
            name
            for name, scheme in schema["components"]["securitySchemes"].items()
            if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
        ]
        self.assertEqual(len(bearer), 1, schema["components"]["securitySchemes"])
        security = schema["paths"]["/api/v1/enterprises/"]["get"]["security"]
        self.assertIn({bearer[0]: []}, security)

    def test_schema_documents_pagination_parameters(self) -> None:
        parameters = {p["name"] for p in self.schema()["paths"]["/api/v1/regions/"]["get"]["parameters"]}
        self.assertLessEqual({"page", "page_size", "parent", "level", "q", "within"}, parameters)

    def test_docs_page_uses_only_local_assets(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get("/api/v1/docs/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("swagger-ui", html)
        self.assertIn("drf_spectacular_sidecar", html)
        foreign = [url for url in URL.findall(html) if urlparse(url).hostname != "testserver"]
        self.assertEqual(foreign, [])
        static_assets = [a for a in ASSET.findall(html) if a.startswith(settings.STATIC_URL)]
        self.assertTrue(static_assets)
        for asset in static_assets:
            with self.subTest(asset=asset):
                self.assertEqual(self.client.get(asset).status_code, 200)

    def test_healthz_without_login(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["node"], settings.NODE_CODE)
        self.assertEqual(body["role"], settings.NODE_ROLE)
        self.assertIn("no-cache", response["Cache-Control"])

    def test_pagination_shape(self) -> None:
        response = self.api.get("/api/v1/regions/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(set(body), {"count", "next", "previous", "results"})
        self.assertEqual(body["count"], Region.objects.count())
        self.assertEqual(len(body["results"]), settings.REST_FRAMEWORK["PAGE_SIZE"])
        self.assertIsNone(body["previous"])
        self.assertEqual(parse_qs(urlparse(body["next"]).query)["page"], ["2"])

    def test_page_size_parameter(self) -> None:
        response = self.api.get("/api/v1/regions/", {"page_size": 10, "page": 2})
        body = response.json()
        self.assertEqual(len(body["results"]), 10)
        first_page = self.api.get("/api/v1/regions/", {"page_size": 10}).json()["results"]
        self.assertEqual(len({r["code"] for r in first_page} & {r["code"] for r in body["results"]}), 0)
        self.assertEqual(parse_qs(urlparse(body["next"]).query)["page_size"], ["10"])
        self.assertEqual(parse_qs(urlparse(body["previous"]).query)["page_size"], ["10"])

    def test_page_size_is_capped_at_1000(self) -> None:
        body = self.api.get("/api/v1/regions/", {"page_size": 100000}).json()
        self.assertEqual(len(body["results"]), 1000)

    def test_last_page_has_no_next(self) -> None:
        body = self.api.get("/api/v1/regions/", {"level": "province", "page_size": "30", "page": "2"}).json()
        self.assertEqual(body["count"], 32)
        self.assertEqual(len(body["results"]), 2)
        self.assertIsNone(body["next"])

    def test_page_out_of_range_is_404(self) -> None:
        self.assertEqual(self.api.get("/api/v1/regions/", {"page": 9999}).status_code, 404)
