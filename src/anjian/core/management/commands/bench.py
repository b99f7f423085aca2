"""``anjian bench NAME [NAME ...] [--rows N]`` and ``anjian bench all``: one JSON line of figures per
benchmark."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.bench import SERVER_ENV, BenchError, discover, is_throwaway, run_here, run_isolated


class Command(BaseCommand):
    help = (
        "性能基准：每项在临时数据库中运行（SQLite 临时文件，或 ANJIAN_BENCH_DATABASE_URL 指定的 "
        "PostgreSQL 上的临时库，结束后删除），与裸数据库基线对比，每项输出一行 JSON。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        benchmarks = discover()
        parser.add_argument(
            "name",
            nargs="+",
            choices=[*benchmarks, "all"],
            help="; ".join(f"{b.name}: {b.description}" for b in benchmarks.values()),
        )
        parser.add_argument("--rows", type=int, help="rows to set up (default: each benchmark's own)")
        # Internal: the child process, already pointed at its throwaway database.
        parser.add_argument("--in-throwaway", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        names: list[str] = options["name"]
        rows: int | None = options["rows"]
        if rows is not None and rows < 1:
            raise CommandError("--rows must be at least 1")
        if options["in_throwaway"]:
            if len(names) != 1:
                raise CommandError("the child process runs one benchmark")
            self.measure_here(names[0], rows)
            return
        failed = []
        for each in list(discover()) if "all" in names else names:
            try:
                figures = run_isolated(each, rows, os.environ.get(SERVER_ENV) or None)
            except BenchError as e:
                self.stderr.write(str(e))
                failed.append(each)
                continue
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")

    def measure_here(self, name: str, rows: int | None) -> None:
        if name == "all":
            raise CommandError("the child process runs one benchmark")
        if not is_throwaway():
            raise CommandError("refusing to benchmark in a database that anjian bench did not create")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            figures = run_here(name, rows)
        except BenchError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
