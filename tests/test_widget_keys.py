"""Every widget key written in a page or a ui module starts with that file's name (DESIGN §7: explicit
widget keys prefixed by page), so two pages' or components' widgets never share a key.

Read with ast, like tests/test_rules.py. A key built from a variable (f"{key}_tip_{id}", key=field) is
checked where its leading part is written: at the call that hands the name down.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FILES = sorted([*(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])

# Streamlit's widgets and containers that take a key, by the name they are called with.
WIDGETS = {
    "button",
    "camera_input",
    "checkbox",
    "color_picker",
    "data_editor",
    "date_input",
    "download_button",
    "expander",
    "feedback",
    "file_uploader",
    "form",
    "form_submit_button",
    "multiselect",
    "number_input",
    "pills",
    "radio",
    "segmented_control",
    "select_slider",
    "selectbox",
    "slider",
    "st_folium",
    "text_area",
    "text_input",
    "time_input",
    "toggle",
}
# Our own calls whose positional argument becomes widget keys: (function name, argument index).
NAMING_ARGUMENT = {
    "form": 0,
    "callback_button": 1,  # ui.feedback
    "Filling": 0,  # ui.forms: the form and its fields
    "Question": 0,  # ui.confirm: its three buttons
    "point_picker": 0,  # ui.maps: the map and its two inputs
    "neutral": 0,  # ui.i18n: a choice kept across languages
    "show": 1,  # ui.maps.show(m, key): the map
}


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def key_expressions(tree: ast.Module):
    """(line, expression) of every key a widget call, or one of ours that names widgets, is given."""
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        name = called_name(call)
        if name in WIDGETS or name == "job_actions":
            yield from ((call.lineno, kw.value) for kw in call.keywords if kw.arg == "key")
        if name in NAMING_ARGUMENT and len(call.args) > NAMING_ARGUMENT[name]:
            yield call.lineno, call.args[NAMING_ARGUMENT[name]]


def written_start(expression: ast.expr) -> str | None:
    """The literal text a key starts with, or None when it starts with a value passed in."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return expression.value
    if isinstance(expression, ast.JoinedStr) and expression.values and isinstance(expression.values[0], ast.Constant):
        return expression.values[0].value
    return None


def unprefixed_keys(path: pathlib.Path) -> list[str]:
    """Keys in `path` written to start otherwise than with its name (the bare name is a name handed
    down to a component, as Filling("post_job") or job_actions(..., key="job"))."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{line}: {ast.unparse(expression)}"
        for line, expression in key_expressions(tree)
        if (start := written_start(expression)) is not None
        and start != path.stem
        and not start.startswith(path.stem + "_")
    ]


def test_the_scan_finds_keys_of_widgets_forms_and_our_own_naming_calls():
    tree = ast.parse(
        'st.text_input("A", key="other_a")\n'
        'with st.form(f"other_{job_id}"):\n    pass\n'
        'callback_button("B", "other_b", call, done="", error_key=1)\n'
        'Filling("other")\n'
        'maps.show(m, "other_map")\n'
        'job_actions(db, job, user, key="other")\n'
        'st.button("C", key=f"{key}_c")\n'
    )
    starts = [written_start(expression) for _, expression in sorted(key_expressions(tree), key=lambda k: k[0])]
    assert starts == ["other_a", "other_", "other_b", "other", "other_map", "other", None]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_widget_key_starts_with_its_file_name(path):
    assert unprefixed_keys(path) == []
