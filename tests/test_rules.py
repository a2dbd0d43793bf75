"""House rules checked on the source (DESIGN §2, §5): layering, translation catalogs, raw HTML.

Everything is read with ast and babel, never with regular expressions over code.
"""

import ast
import collections
import pathlib
import re
import string

import pytest
from babel.messages.pofile import read_po

from services import (
    audit,
    export,
    figures,
    jobs,
    mail,
    migrations,
    needs,
    notifications,
    reports,
    statements,
    transitions,
    verification,
    workers,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]
SERVICES = sorted((ROOT / "services").glob("*.py"))
UI = sorted((ROOT / "ui").glob("*.py"))
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
UI_CODE = [ROOT / "app.py", *PAGES, *UI]  # the code that shows text to people
LANGS = ("zh_CN", "en")

UI_ONLY_PACKAGES = {"streamlit", "streamlit_authenticator", "folium", "streamlit_folium"}
VERIFICATION_STATES = ("unverified", "pending", "verified", "rejected")  # worker_profiles.verification


def rel(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT))


def parse(path: pathlib.Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --- layering -----------------------------------------------------------------------------------


def imported_modules(path: pathlib.Path) -> set[str]:
    """Absolute names of every module `path` imports, relative imports resolved against its package,
    including importlib.import_module("...") / __import__("...") with a literal name."""
    package = list(path.relative_to(ROOT).parent.parts)
    found = set()
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            # `from . import x` / `from services import jobs` may name modules too
            found.update(f"{module}.{alias.name}" if module else alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id == "__import__")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    return found


def top_levels(path: pathlib.Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path) if name}


def test_imported_modules_resolves_relative_imports():
    """The helper the layering rules stand on: `from .i18n import t` in ui/ is ui.i18n."""
    assert "ui.i18n" in imported_modules(ROOT / "ui" / "cards.py")
    assert "streamlit" in top_levels(ROOT / "ui" / "cards.py")


@pytest.mark.parametrize("path", SERVICES, ids=rel)
def test_services_import_no_streamlit_folium_or_authenticator(path):
    assert top_levels(path) & UI_ONLY_PACKAGES == set()


@pytest.mark.parametrize("path", SERVICES, ids=rel)
def test_services_import_nothing_above_them(path):
    assert top_levels(path) & {"ui", "app_pages", "app"} == set()


@pytest.mark.parametrize("path", UI, ids=rel)
def test_ui_imports_no_page_and_not_the_entry_point(path):
    assert top_levels(path) & {"app_pages", "app"} == set()


# --- translation catalogs -----------------------------------------------------------------------


def read_catalog(lang: str) -> dict[str, str]:
    """key -> text; a plural message's forms joined by new lines ("" when any is missing), so each form
    is checked like a message of its own."""
    with open(ROOT / "locales" / f"{lang}.po", "rb") as po:
        return {
            (message.id if isinstance(message.id, str) else message.id[0]): (
                message.string if isinstance(message.string, str) else "\n".join(message.string) * all(message.string)
            )
            for message in read_po(po)
            if message.id
        }


CATALOGS = {lang: read_catalog(lang) for lang in LANGS}
KEYS = set(CATALOGS["en"])


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_catalogs_have_the_same_keys():
    assert set(CATALOGS["zh_CN"]) ^ set(CATALOGS["en"]) == set()


@pytest.mark.parametrize("lang", LANGS)
def test_each_key_is_in_a_catalog_once(lang):
    """A key written twice (two branches adding it) silently keeps one of its texts."""
    keys = re.findall(r'^msgid "(.+)"$', (ROOT / "locales" / f"{lang}.po").read_text(), re.M)
    assert [key for key, count in collections.Counter(keys).items() if count > 1] == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalog_entry_is_translated(lang):
    assert [key for key, text in CATALOGS[lang].items() if not (isinstance(text, str) and text.strip())] == []


def test_translations_of_a_key_use_the_same_placeholders():
    differing = {
        key: {lang: sorted(placeholders(CATALOGS[lang][key])) for lang in LANGS}
        for key in KEYS & set(CATALOGS["zh_CN"])
        if placeholders(CATALOGS["zh_CN"][key]) != placeholders(CATALOGS["en"][key])
    }
    assert differing == {}


def needed(key: str) -> set[str]:
    """Placeholders the key's text needs in any language."""
    return set().union(*(placeholders(CATALOGS[lang].get(key) or "") for lang in LANGS))


# Keys the code builds at run time, by pattern ("{}" where a value goes), and every value it can take.
# What declines a waiting application: the poster or invitee ('declined'), or the job leaving 'open'
# by any transition from there (jobs._applications_follow records the action).
LEAVING_OPEN = tuple(action for action, rule in transitions.TRANSITIONS.items() if "open" in rule.sources)
CONFIRM_FIRST = tuple(action for action, rule in transitions.TRANSITIONS.items() if rule.confirm)
# The actions with a button of their own (booking's accept is answered on an application instead).
NON_CLOCK_ACTIONS = tuple(
    action for action, rule in transitions.TRANSITIONS.items() if rule.actor != "clock" and rule.worker != "assignee"
)


def assigns(node: ast.stmt, name: str) -> bool:
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)


def module_constant(path: pathlib.Path, name: str):
    """The literal value a page script assigns to `name` at module level (page scripts cannot be imported:
    importing one runs it)."""
    for node in parse(path).body:
        if assigns(node, name):
            return ast.literal_eval(node.value)
    raise LookupError(f"{name} not assigned in {rel(path)}")


def literal_strings(node: ast.expr) -> list[str] | None:
    """The strings a literal (or `"a" if cond else "b"` of literals) can be; None if not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = literal_strings(node.body), literal_strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def recorded_event_actions() -> set[str]:
    """Every action services/jobs.py writes to job_events: TRANSITIONS' actions, and the literal ones
    (posting, answering extra hours) passed as `action` to _record."""
    tree = parse(ROOT / "services" / "jobs.py")
    record = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_record")
    position = [a.arg for a in record.args.args].index("action")
    literal = {
        action
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_record"
        for action in literal_strings(node.args[position]) or ()
    }
    assert literal, "jobs.post records its event with a literal action"
    return set(transitions.TRANSITIONS) | literal


DYNAMIC_KEYS = {
    "status.{}": transitions.STATUSES,
    "event.{}": tuple(sorted(recorded_event_actions())),
    "action.{}": NON_CLOCK_ACTIONS,
    "action.{}_done": NON_CLOCK_ACTIONS,
    "action.{}_confirm": CONFIRM_FIRST,
    "action.{}_sure": CONFIRM_FIRST,
    "mode.{}": jobs.MODES,
    "browse.sort_{}": module_constant(ROOT / "app_pages" / "browse.py", "SORTS"),
    "worker.status_{}": VERIFICATION_STATES,
    "role.{}": ("resident", "organizer"),
    "post.price_{}": module_constant(ROOT / "app_pages" / "post_job.py", "PRICE_KINDS"),
    "my_jobs.none_{}": ("posted", "working"),
    "my_jobs.{}": ("posted", "working"),
    "profile.review_as_{}": ("poster", "worker"),  # reviews.author_role
    "safety.{}": tuple(slug for slug, *_, hazardous in migrations.SEED_CATEGORIES if hazardous),  # ui.safety
    "slot.{}": workers.AVAILABILITY,
    "application.{}": ("pending", "accepted", "withdrawn"),  # applications.status; 'declined' says why:
    "application.declined_{}": ("declined", *LEAVING_OPEN),  # applications.outcome
    "application.kind_{}": ("apply", "invite"),
    "guide.{}": jobs.PRICE_TYPES,
    "post.mode_{}": jobs.MODES,
    "post.mode_{}_help": jobs.MODES,
    "worker.id_{}": verification.PHOTOS,
    "statement.{}": statements.WHAT,  # ui.statements: what each wallet line was
    "receipt.back_{}": ("unused_back", "dispute_refund"),  # services.statements.Receipt.back_what
    "cash.{}_submit": ("topup", "payout"),  # organizer_cash.py's two money forms
    "cash.{}_person": ("topup", "payout"),
    "cash.{}_again": ("topup", "payout"),
    "confirm.{}_note": ("topup", "payout"),  # organizer_cash.py: what to check before confirming
    "hours.extra_{}": ("approved", "declined"),  # jobs.extra_decision
    "materials.{}": ("pending", "approved", "rejected"),  # job_materials.status
    "dispute.{}": transitions.RESOLUTIONS,
    "notice.{}": notifications.KINDS,
    "needs.{}": tuple(needs.QUERIES),
    "attention.{}": ("message", "job", "question"),  # fraud.attention's kinds
    "mail.security_{}": mail.SECURITY,  # organizer_mail.py
    "mail.status_{}": ("pending", "failed"),  # outbox.status of a row that has an error to show
    "mail.group_{}": notifications.GROUPS,  # account.py's e-mail choices
    "after.{}": module_constant(ROOT / "ui" / "job_after.py", "AFTER_POSTING"),  # the job page's after-posting buttons
    "report.reason_{}": reports.REASONS,  # #16 reports
    "reports.kind_{}": reports.KINDS,
    "reports.{}": reports.ACTIONS,
    "reports.confirm_{}": reports.ACTIONS,
    "reports.done_{}": reports.ACTIONS,
    "audit.person.{}": audit.ABOUT_PERSON,  # organizer_audit.py: the record's sentences and words
    "audit.job.{}": audit.ABOUT_JOB,
    "audit.board.{}": audit.ABOUT_BOARD,
    "audit.field.{}": audit.FIELDS,
    "audit.verification.{}": ("pending", "verified", "rejected"),
    "audit.decision.{}": transitions.RESOLUTIONS,
    "console.period_{}": tuple(figures.PERIODS),  # the organizer's console (#16 items 4, 5)
    "console.waiting_{}": tuple(figures.WAITING),
    "console.export_{}": tuple(export.TABLES),
}


def test_confirm_first_actions_are_actions_a_person_takes():
    assert set(CONFIRM_FIRST) == {"cancel", "release"}
    assert set(CONFIRM_FIRST) <= set(NON_CLOCK_ACTIONS)


def key_pattern(node: ast.expr) -> str | None:
    """ "status.{}" for f"status.{s}" or "status." + s; None for anything else that is not a literal."""
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
        return node.left.value + "{}"
    return None


def is_t_call(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args


def forwarders(trees) -> tuple[dict[str, int], set[int]]:
    """Functions that pass one of their own parameters to t() as the key.

    Returns (function name -> that parameter's index, ids of those t() calls). app.py's
    page(path, key, icon) is one: its keys stand at its call sites, which are checked instead.
    """
    index, calls = {}, set()
    for tree in trees:
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            params = [a.arg for a in function.args.args]
            for call in ast.walk(function):
                if is_t_call(call) and isinstance(call.args[0], ast.Name) and call.args[0].id in params:
                    index[function.name] = params.index(call.args[0].id)
                    calls.add(id(call))
    return index, calls


def keyword_names(call: ast.Call) -> set[str] | None:
    """The keyword arguments' names, or None when **params makes them unknowable."""
    return None if any(k.arg is None for k in call.keywords) else {k.arg for k in call.keywords}


def ui_key_uses() -> tuple[list, list, list]:
    """Keys the UI code passes to t(): literal ones and built ones as (file:line, key or pattern, parameter
    names or None), and (file:line, expression) for any key expression neither literal nor a known shape."""
    trees = {path: parse(path) for path in UI_CODE}
    forwarding, forwarded_calls = forwarders(trees.values())
    literal, dynamic, unknown = [], [], []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if is_t_call(node):
                key_node, names = node.args[0], keyword_names(node)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in forwarding
                and len(node.args) > forwarding[node.func.id]
            ):
                key_node, names = node.args[forwarding[node.func.id]], set()  # a forwarder calls t(key) bare
            else:
                continue
            where = f"{rel(path)}:{node.lineno}"
            strings, pattern = literal_strings(key_node), key_pattern(key_node)
            if strings is not None:
                literal.extend((where, key, names) for key in strings)
            elif pattern is not None:
                dynamic.append((where, pattern, names))
            elif id(node) in forwarded_calls:
                continue
            elif isinstance(key_node, ast.Attribute) and key_node.attr == "key":
                continue  # t(error.key, **error.params): the services' error keys are checked below
            else:
                unknown.append((where, ast.unparse(key_node)))
    return literal, dynamic, unknown


LITERAL_KEYS, DYNAMIC_USES, UNKNOWN_KEYS = ui_key_uses()


def test_the_key_scan_sees_literal_forwarded_and_built_keys():
    """Guards the scan itself: a literal t() key, app.py's page(..., "nav.browse", ...) and t(f"status...")."""
    keys = {key for _, key, _ in LITERAL_KEYS}
    assert {"browse.title", "nav.browse", "organizer.revoke", "organizer.reject"} <= keys
    assert {"status.{}", "event.{}", "browse.sort_{}"} <= {pattern for _, pattern, _ in DYNAMIC_USES}


def test_every_key_the_ui_uses_is_a_literal_or_a_known_pattern():
    assert UNKNOWN_KEYS == []
    assert sorted({pattern for _, pattern, _ in DYNAMIC_USES} - set(DYNAMIC_KEYS)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_literal_key_in_the_ui_is_in_the_catalog(lang):
    assert sorted({(where, key) for where, key, _ in LITERAL_KEYS if key not in CATALOGS[lang]}) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_built_key_in_the_ui_is_in_the_catalog_for_every_value(lang):
    missing = [
        (pattern, pattern.format(value))
        for pattern in sorted({p for _, p, _ in DYNAMIC_USES})
        for value in DYNAMIC_KEYS[pattern]
        if pattern.format(value) not in CATALOGS[lang]
    ]
    assert missing == []


def test_ui_passes_exactly_the_placeholders_each_text_needs():
    """t() with a missing parameter raises KeyError; t() with none shows "{name}" to the reader."""
    wrong = [
        (where, key, sorted(names), sorted(needed(key)))
        for where, key, names in LITERAL_KEYS
        if names is not None and key in KEYS and names != needed(key)
    ]
    wrong += [
        (where, pattern.format(value), sorted(names), sorted(needed(pattern.format(value))))
        for where, pattern, names in DYNAMIC_USES
        if names is not None and pattern in DYNAMIC_KEYS
        for value in DYNAMIC_KEYS[pattern]
        if pattern.format(value) in KEYS and names != needed(pattern.format(value))
    ]
    assert wrong == []


# --- error keys raised by the services ----------------------------------------------------------


def error_classes() -> dict[str, str]:
    """services/errors.py: class name -> its default message key."""
    defaults = {}
    for node in parse(ROOT / "services" / "errors.py").body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if assigns(item, "key") and isinstance(item.value, ast.Constant):
                    defaults[node.name] = item.value.value
    return defaults


def service_error_keys() -> list[tuple[str, str]]:
    """(file:line, key) for every string constant starting with "error." in services/."""
    return [
        (f"{rel(path)}:{node.lineno}", node.value)
        for path in SERVICES
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("error.")
    ]


def test_the_error_key_scan_sees_class_defaults_and_raised_keys():
    keys = {key for _, key in service_error_keys()}
    assert {"error.generic", "error.login_failed", "error.password_mismatch", "error.too_short"} <= keys


@pytest.mark.parametrize("lang", LANGS)
def test_every_error_key_in_the_services_is_in_the_catalog(lang):
    assert [(where, key) for where, key in service_error_keys() if key not in CATALOGS[lang]] == []


KEY_ARGUMENT = {"ValidationError": 1}  # ValidationError(field, key, **params); the others (key, **params)


def raised_errors() -> list[tuple[str, str, set[str]]]:
    """(file:line, key, parameter names) for each domain error the services construct with a key known
    from the source: a literal (or a literal either way of an `if`), or the class default."""
    classes = error_classes()
    found = []
    for path in SERVICES:
        for node in ast.walk(parse(path)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes):
                continue
            names = keyword_names(node)
            if names is None:
                continue
            position = KEY_ARGUMENT.get(node.func.id, 0)
            keyword_key = [k.value for k in node.keywords if k.arg == "key"]
            key_node = node.args[position] if len(node.args) > position else (keyword_key or [None])[0]
            keys = [classes[node.func.id]] if key_node is None else literal_strings(key_node)
            if keys is None:
                continue  # a key computed at run time, e.g. NotAllowed(refusal): its literals are checked above
            params = names - {"key", "field"}
            found.extend((f"{rel(path)}:{node.lineno}", key, params) for key in keys)
    return found


def test_services_give_every_error_the_parameters_its_text_needs():
    found = raised_errors()
    assert any(key == "error.login_wait" for _, key, _ in found)  # a class default with a parameter
    assert [(where, key, sorted(needed(key) - names)) for where, key, names in found if needed(key) - names] == []


# --- raw HTML -----------------------------------------------------------------------------------


def raw_html_calls():
    """(file:line, call) for every call that renders HTML unescaped: unsafe_allow_html=..., st.html()."""
    for path in UI_CODE:
        for node in ast.walk(parse(path)):
            if not isinstance(node, ast.Call):
                continue
            unsafe = [k for k in node.keywords if k.arg == "unsafe_allow_html"]
            if unsafe and not (isinstance(unsafe[0].value, ast.Constant) and unsafe[0].value.value is False):
                yield f"{rel(path)}:{node.lineno}", node
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                yield f"{rel(path)}:{node.lineno}", node


def test_raw_html_is_only_ever_a_constant_string():
    calls = list(raw_html_calls())
    assert calls, "app.py's constant CSS should be found: the scan is broken"
    wrong = [
        where
        for where, call in calls
        if not (call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str))
    ]
    assert wrong == []


# --- query parameters ---------------------------------------------------------------------------


def query_param_reads(path: pathlib.Path) -> list[str]:
    """file:line of every `st.query_params` a file touches (query_params= keywords only write links)."""
    return [
        f"{rel(path)}:{node.lineno}"
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Attribute) and node.attr == "query_params"
    ]


def test_query_parameters_are_read_only_through_ui_query():
    """One parser turns anything malformed into "not found" (issue #11): no page reads them itself."""
    assert query_param_reads(ROOT / "ui" / "query.py"), "ui/query.py should be found reading them: the scan is broken"
    assert [where for path in UI_CODE if path != ROOT / "ui" / "query.py" for where in query_param_reads(path)] == []
