"""Streamlit's "magic" prints bare expressions in a page script (docstrings aside), so a string
literal left as a comment in a page file shows up on the page (it happened twice). Only
docstrings — the first statement of the module, a function or a class — may stand alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAGES = sorted((Path(__file__).resolve().parent.parent / "dashboard" / "app_pages").glob("*.py"))
_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _printed(tree: ast.Module) -> list[str]:
    docstrings = {
        id(scope.body[0])
        for scope in ast.walk(tree)
        if isinstance(scope, _SCOPES) and ast.get_docstring(scope) is not None
    }
    return [
        f"line {node.lineno}: {ast.unparse(node)[:60]}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and id(node) not in docstrings
        and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))
    ]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_bare_expression_in_a_page_script(page: Path) -> None:
    shown = _printed(ast.parse(page.read_text(encoding="utf-8")))
    assert not shown, f"{page.name} would print these on the page: {shown}"
