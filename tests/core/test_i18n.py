"""The English catalogue: every message translated (no fuzzy entry, placeholders kept), in step
with the code (makemessages on a copy of the tree finds nothing new), and served when English is
chosen by cookie, ``Accept-Language`` or the ``set_language`` view; without a choice, Chinese."""

from __future__ import annotations

import re
import shutil
import tempfile
import unittest
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from anjian.accounts.models import User
from anjian.core.testing import provincial_inspector

APP_DIR = Path(settings.BASE_DIR)
CATALOGUE = Path("en", "LC_MESSAGES", "django.po")
PO_FILE = APP_DIR / "locale" / CATALOGUE
MO_FILE = PO_FILE.with_suffix(".mo")
MAKEMESSAGES = (
    "cd src/anjian && ../../.venv/bin/anjian makemessages -l en"
    ' --no-location --no-obsolete -i "static/vendor/*"'
)

FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
ESCAPE = re.compile(r"\\(.)")
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# CJK punctuation (、。「」【】), ideographs and full-width forms (，：；（）！？): none belongs in English.
NOT_ENGLISH = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
NAV = re.compile(r'<ul class="navbar-nav[^"]*" id="main-nav">(.*?)</ul>', re.S)


@dataclass(frozen=True)
class Entry:
    flags: frozenset[str]
    fields: dict[str, str]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.fields.get("msgctxt", ""), self.fields["msgid"], self.fields.get("msgid_plural", ""))

    @property
    def msgstrs(self) -> dict[str, str]:
        return {name: text for name, text in self.fields.items() if name.startswith("msgstr")}


def _unescape(text: str) -> str:
    return ESCAPE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header first; strings spread over several lines are joined."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        flags: set[str] = set()
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#~"):  # an obsolete entry is not part of the catalogue
                fields.clear()
                break
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif match := FIELD.match(line):
                current = match[1]
                fields[current] = _unescape(match[2])
            elif line.startswith('"') and current:
                fields[current] += _unescape(line[1:-1])
        if "msgid" in fields:
            entries.append(Entry(frozenset(flags), fields))
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.fields["msgid"]]


def ensure_compiled() -> None:
    """The English pages need the .mo (build output, not committed): compile it when missing or stale."""
    if MO_FILE.exists() and MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime:
        return
    if shutil.which("msgfmt") is None:
        raise unittest.SkipTest("msgfmt (GNU gettext) is not installed: cannot compile the catalogue")
    with chdir(APP_DIR):
        call_command("compilemessages", locale=["en"], verbosity=0)


class CatalogueTest(SimpleTestCase):
    entries: list[Entry]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.entries = parse_po(PO_FILE)

    def test_header_declares_english_and_its_plural_rule(self) -> None:
        header = self.entries[0]
        self.assertEqual(header.fields["msgid"], "")
        self.assertNotIn("fuzzy", header.flags, "a fuzzy header is ignored by msgfmt")
        lines = header.fields["msgstr"].splitlines()
        self.assertIn("Language: en", lines)
        self.assertIn("Plural-Forms: nplurals=2; plural=(n != 1);", lines)
        self.assertIn("Content-Type: text/plain; charset=UTF-8", lines)

    def test_there_are_messages(self) -> None:
        self.assertGreater(len(messages(self.entries)), 100)

    def test_every_message_is_translated(self) -> None:
        empty = [e.fields["msgid"] for e in messages(self.entries) if not all(e.msgstrs.values())]
        self.assertEqual(empty, [], f"untranslated in {PO_FILE.name}")

    def test_no_entry_is_fuzzy(self) -> None:
        fuzzy = [e.fields["msgid"] for e in self.entries if "fuzzy" in e.flags]
        self.assertEqual(fuzzy, [], "fuzzy entries are not compiled: review them and remove the flag")

    def test_plural_entries_have_both_english_forms(self) -> None:
        for entry in messages(self.entries):
            if "msgid_plural" in entry.fields:
                with self.subTest(msgid=entry.fields["msgid"]):
                    self.assertEqual(sorted(entry.msgstrs), ["msgstr[0]", "msgstr[1]"])

    def test_placeholders_are_kept(self) -> None:
        for entry in messages(self.entries):
            if "python-format" not in entry.flags:
                continue
            source = {"msgstr": entry.fields["msgid"], "msgstr[0]": entry.fields["msgid"]}
            source["msgstr[1]"] = entry.fields.get("msgid_plural", "")
            for name, text in entry.msgstrs.items():
                with self.subTest(msgid=entry.fields["msgid"], form=name):
                    expected = sorted(PLACEHOLDER.findall(source[name]))
                    self.assertEqual(sorted(PLACEHOLDER.findall(text)), expected)

    def test_translations_are_english(self) -> None:
        for entry in messages(self.entries):
            for text in entry.msgstrs.values():
                with self.subTest(msgid=entry.fields["msgid"]):
                    self.assertIsNone(NOT_ENGLISH.search(text), f"Chinese text or punctuation in {text!r}")

    def test_catalogue_has_every_message_of_the_code(self) -> None:
        """makemessages on a copy of the tree, so that the committed catalogue is left untouched."""
        missing_tools = [tool for tool in ("xgettext", "msguniq", "msgmerge") if shutil.which(tool) is None]
        if missing_tools:
            self.skipTest(f"GNU gettext is not installed ({', '.join(missing_tools)} not found)")

        def skip_vendor(directory: str, names: list[str]) -> set[str]:
            # Third-party assets, ignored by makemessages (-i "static/vendor/*"), need not be copied.
            skipped = {name for name in names if name == "__pycache__" or name.endswith(".mo")}
            if Path(directory) == APP_DIR / "static":
                skipped.add("vendor")
            return skipped

        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp, "anjian")
            shutil.copytree(APP_DIR, copy, ignore=skip_vendor)
            # LOCALE_PATHS points at the copy: makemessages must not write the committed catalogue.
            with override_settings(LOCALE_PATHS=[copy / "locale"]), chdir(copy):
                call_command(
                    "makemessages",
                    locale=["en"],
                    no_location=True,
                    no_obsolete=True,
                    ignore_patterns=["static/vendor/*"],
                    verbosity=0,
                )
            in_code = {entry.key for entry in messages(parse_po(copy / "locale" / CATALOGUE))}
        in_catalogue = {entry.key for entry in messages(self.entries)}
        missing = sorted(msgid for _, msgid, _ in in_code - in_catalogue)
        self.assertEqual(missing, [], f"not in the catalogue: run `{MAKEMESSAGES}` and translate them")


# Password hashing is not under test here; Argon2 would spend a third of a second on every user.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class LanguageTest(TestCase):
    user: User
    chinese = "行业监管"
    english: str

    @classmethod
    def setUpClass(cls) -> None:
        ensure_compiled()
        super().setUpClass()
        with translation.override("en"):
            cls.english = translation.gettext(cls.chinese)

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("i18n_beijing", "110000")

    def setUp(self) -> None:
        self.client.force_login(self.user)

    def nav(self, headers: dict[str, str] | None = None) -> str:
        response = self.client.get(reverse("home"), headers=headers)
        self.assertEqual(response.status_code, 200)
        match = NAV.search(response.content.decode())
        assert match, "no navigation bar on the home page"
        return match[1]

    def assert_english(self, nav: str) -> None:
        self.assertIn(self.english, nav)
        self.assertNotIn(self.chinese, nav)

    def test_the_catalogue_translates_the_navigation(self) -> None:
        self.assertNotEqual(self.english, self.chinese)
        self.assertIsNone(NOT_ENGLISH.search(self.english))

    def test_chinese_is_the_default(self) -> None:
        response = self.client.get(reverse("home"))
        self.assertEqual(response.headers["Content-Language"], "zh-hans")
        nav = self.nav()
        self.assertIn(self.chinese, nav)
        self.assertNotIn(self.english, nav)

    def test_accept_language_selects_english(self) -> None:
        self.assert_english(self.nav(headers={"accept-language": "en"}))

    def test_language_cookie_selects_english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("home"))
        self.assertEqual(response.headers["Content-Language"], "en")
        self.assertContains(response, '<html lang="en">')
        self.assert_english(self.nav())

    def test_set_language_switches_to_english_and_back(self) -> None:
        response = self.client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assert_english(self.nav())
        self.client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
        self.assertIn(self.chinese, self.nav())
