"""policies/ is the pure core: it imports nothing of the services, workflows, infra or contracts."""
import ast
from pathlib import Path

FORBIDDEN = ("services", "workflows", "infra", "contracts", "duixian")
PACKAGE = Path(__file__).parents[3] / "policies"


def test_policies_imports_nothing_from_the_other_rooms():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            offenders += [f"{path.name}: {m}" for m in modules if m.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_modules_stay_small():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) < 400, sizes
