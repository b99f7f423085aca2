"""Form helpers shared by the apps' model forms."""

from __future__ import annotations

from typing import Any

from django import forms


def preset(form: forms.BaseForm, **values: Any) -> None:
    """Start empty fields of a form at ``values``: the enterprise user's own enterprise, today.

    ``initial.setdefault`` does nothing on a model form: ``model_to_dict`` has already put every
    field of the (new, empty) instance into ``initial``, as ``None``.
    """
    for name, value in values.items():
        if form.initial.get(name) in (None, ""):
            form.initial[name] = value
