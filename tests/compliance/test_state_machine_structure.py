"""The request's state machine has one door: only compliance/workflow/lifecycle.py fires its
transitions or writes DataSubjectRequest.status, and the README's diagram is the machine's."""

import ast
from pathlib import Path

import pytest

from compliance.workflow.diagram import mermaid
from compliance.workflow.machine import TRANSITION_NAMES

ROOT = Path(__file__).resolve().parents[2]
APP_FOLDERS = ("compliance", "biometrics", "enforcement", "config", "core")
DOOR = ROOT / "compliance" / "workflow" / "lifecycle.py"


def _python_files():
    for folder in APP_FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _chain_root(node):
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def test_only_the_lifecycle_fires_transitions_or_writes_the_status():
    offenders = []
    for path in _python_files():
        if path == DOOR:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            # request.<transition>() with no arguments: firing a django-fsm transition.
            if node.func.attr in TRANSITION_NAMES and not node.args and not node.keywords:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} calls .{node.func.attr}()")
            # DataSubjectRequest.objects....update(status=...): a status written around the machine.
            updates = node.func.attr in ("update", "bulk_update")
            writes_status = updates and any(k.arg == "status" for k in node.keywords)
            if writes_status and _chain_root(node.func.value) == "DataSubjectRequest":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} updates the status")
    assert offenders == []


def test_the_door_checks_itself_against_a_bypass(tmp_path):
    """The scan above finds what it looks for (a test that could not fail would prove nothing)."""
    sample = "DataSubjectRequest.objects.filter(pk=1).update(status='completed')\nreq.approve()\n"
    tree = ast.parse(sample)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    assert any(c.func.attr == "update" and _chain_root(c.func.value) == "DataSubjectRequest" for c in calls)
    assert any(c.func.attr in TRANSITION_NAMES and not c.args for c in calls)


@pytest.mark.django_db
def test_the_readme_diagram_is_generated_from_the_machine():
    readme = (ROOT / "README.md").read_text()
    assert f"```mermaid\n{mermaid()}\n```" in readme, "run: python manage.py request_states, paste into README.md"
