"""Seeds the national default grading configurations (domain/hidden-dangers-order16.md C2, C3):
LEC with > 320 red, 160 < D ≤ 320 orange, 70 < D ≤ 160 yellow, D ≤ 70 blue, and the 5×5 matrix
with variant A. The values are frozen here; later changes are new versions (services.publish_config)."""

import uuid
from typing import Any

from django.conf import settings
from django.db import migrations

DEFAULTS: list[dict[str, Any]] = [
    {
        "method": "lec",
        "name": "全国默认 LEC 法",
        "factors": [
            {
                "code": "l",
                "name": "L（事故发生的可能性）",
                "rows": [
                    [
                        "10",
                        "完全可以预料"
                    ],
                    [
                        "6",
                        "相当可能"
                    ],
                    [
                        "3",
                        "可能，但不经常"
                    ],
                    [
                        "1",
                        "可能性小，完全意外"
                    ],
                    [
                        "0.5",
                        "很不可能，可以设想"
                    ],
                    [
                        "0.2",
                        "极不可能"
                    ],
                    [
                        "0.1",
                        "实际不可能"
                    ]
                ]
            },
            {
                "code": "e",
                "name": "E（暴露于危险环境的频繁程度）",
                "rows": [
                    [
                        "10",
                        "连续暴露"
                    ],
                    [
                        "6",
                        "每天工作时间内暴露"
                    ],
                    [
                        "3",
                        "每周一次或偶然暴露"
                    ],
                    [
                        "2",
                        "每月一次暴露"
                    ],
                    [
                        "1",
                        "每年几次暴露"
                    ],
                    [
                        "0.5",
                        "非常罕见地暴露"
                    ]
                ]
            },
            {
                "code": "c",
                "name": "C（发生事故可能造成的后果）",
                "rows": [
                    [
                        "100",
                        "大灾难，许多人死亡"
                    ],
                    [
                        "40",
                        "灾难，数人死亡"
                    ],
                    [
                        "15",
                        "非常严重，一人死亡"
                    ],
                    [
                        "7",
                        "严重，重伤"
                    ],
                    [
                        "3",
                        "重大，致残"
                    ],
                    [
                        "1",
                        "引人注目，需要救护"
                    ]
                ]
            }
        ],
        "bands": [
            {
                "level": "red",
                "lower": "320",
                "upper": None,
                "lower_inclusive": False,
                "upper_inclusive": True
            },
            {
                "level": "orange",
                "lower": "160",
                "upper": "320",
                "lower_inclusive": False,
                "upper_inclusive": True
            },
            {
                "level": "yellow",
                "lower": "70",
                "upper": "160",
                "lower_inclusive": False,
                "upper_inclusive": True
            },
            {
                "level": "blue",
                "lower": None,
                "upper": "70",
                "lower_inclusive": True,
                "upper_inclusive": True
            }
        ]
    },
    {
        "method": "matrix",
        "name": "全国默认风险矩阵（A 方案）",
        "factors": [
            {
                "code": "l",
                "name": "L（事故发生的可能性）",
                "rows": [
                    [
                        "5",
                        "几乎肯定发生"
                    ],
                    [
                        "4",
                        "很可能发生"
                    ],
                    [
                        "3",
                        "可能发生"
                    ],
                    [
                        "2",
                        "不太可能发生"
                    ],
                    [
                        "1",
                        "极不可能发生"
                    ]
                ]
            },
            {
                "code": "s",
                "name": "S（事故后果的严重程度）",
                "rows": [
                    [
                        "5",
                        "灾难性：多人死亡或重大财产损失"
                    ],
                    [
                        "4",
                        "严重：一人死亡或多人重伤"
                    ],
                    [
                        "3",
                        "较重：重伤或致残"
                    ],
                    [
                        "2",
                        "一般：轻伤，需要医疗处理"
                    ],
                    [
                        "1",
                        "轻微：急救处理即可"
                    ]
                ]
            }
        ],
        "bands": [
            {
                "level": "red",
                "lower": "20",
                "upper": "25",
                "lower_inclusive": True,
                "upper_inclusive": True
            },
            {
                "level": "orange",
                "lower": "9",
                "upper": "16",
                "lower_inclusive": True,
                "upper_inclusive": True
            },
            {
                "level": "yellow",
                "lower": "4",
                "upper": "8",
                "lower_inclusive": True,
                "upper_inclusive": True
            },
            {
                "level": "blue",
                "lower": "1",
                "upper": "3",
                "lower_inclusive": True,
                "upper_inclusive": True
            }
        ]
    }
]


def seed(apps: Any, schema_editor: Any) -> None:
    config = apps.get_model("risks", "RiskMethodConfig")
    for row in DEFAULTS:
        if config.objects.filter(method=row["method"], province=None, sector="").exists():
            continue
        config.objects.create(
            uid=uuid.uuid4(),
            source_node=settings.NODE_CODE,
            version=1,
            edition=1,
            is_current=True,
            note="安委办〔2016〕11号及常用做法的默认配置",
            **row,
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("risks", "RiskMethodConfig").objects.filter(province=None, sector="", edition=1).delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
