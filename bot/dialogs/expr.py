"""Conditions and amount formulas in dialog YAML: a tiny, safe subset of Python expressions.

`region == "luzhou" and times >= 3`, `300 * placed`, `min(days, 365) * 50`. Names are the flow's
slots; an unanswered slot is None, and any comparison or arithmetic with None is simply false/None,
so a rule never fires on a question that was skipped. An answer "unsure" to a number is a string: it
is never <, <=, >, >= anything and never takes part in arithmetic (so "unsure" * 300 is None, not text).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
        ast.Gt: operator.gt, ast.GtE: operator.ge}
_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_FUNCS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "ceil": math.ceil, "floor": math.floor}
_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.Compare,
            ast.BinOp, ast.Name, ast.Load, ast.Constant, ast.Call, ast.In, ast.NotIn, ast.Tuple, ast.List,
            *_CMP, *_BIN)


class ExprError(ValueError):
    pass


class Expr:
    """A parsed, checked expression; evaluate with slot values."""

    def __init__(self, source: str, names: set[str] | None = None):
        self.source = str(source)
        try:
            self.tree = ast.parse(self.source, mode="eval")
        except SyntaxError as e:
            raise ExprError(f"cannot parse {self.source!r}: {e.msg}") from None
        for node in ast.walk(self.tree):
            if not isinstance(node, _ALLOWED):
                raise ExprError(f"{type(node).__name__} is not allowed in {self.source!r}")
            if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _FUNCS):
                raise ExprError(f"only {', '.join(_FUNCS)} may be called in {self.source!r}")
            if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
                raise ExprError(f"constant {node.value!r} is not allowed in {self.source!r}")
        self.names = {n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name)} - set(_FUNCS)
        if names is not None and self.names - names:
            raise ExprError(f"unknown slot {sorted(self.names - names)[0]!r} in {self.source!r}")

        self._fn = _compile(self.tree.body)

    def __call__(self, values: dict[str, Any]) -> Any:
        return self._fn(values)

    def holds(self, values: dict[str, Any]) -> bool:
        return bool(self(values))

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _eval(node: ast.AST, env: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_eval(e, env) for e in node.elts)
    if isinstance(node, ast.BoolOp):
        vals = (_eval(v, env) for v in node.values)
        return all(vals) if isinstance(node.op, ast.And) else any(vals)
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        if isinstance(node.op, ast.Not):
            return not v
        return None if v is None else -v
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        for op, comp in zip(node.ops, node.comparators):
            right = _eval(comp, env)
            if isinstance(op, (ast.In, ast.NotIn)):
                ok = left is not None and (left in right) == isinstance(op, ast.In)
            elif left is None or right is None:
                ok = isinstance(op, ast.NotEq) and left is not right
            elif not isinstance(op, (ast.Eq, ast.NotEq)) and (isinstance(left, str) or isinstance(right, str)):
                ok = False
            else:
                try:
                    ok = _CMP[type(op)](left, right)
                except TypeError:
                    ok = False
            if not ok:
                return False
            left = right
        return True
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env), _eval(node.right, env)
        if not _num(a) or not _num(b):
            return None
        try:
            return _BIN[type(node.op)](a, b)
        except (TypeError, ZeroDivisionError):
            return None
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)  # Expr() admits calls of _FUNCS by name only
        args = [_eval(a, env) for a in node.args]
        if not all(_num(a) for a in args):
            return None
        return _FUNCS[node.func.id](*args)
    raise ExprError(f"cannot evaluate {ast.dump(node)}")  # pragma: no cover - rejected at parse time


def _compile(node: ast.AST):
    """The same semantics as _eval, as closures built once (kb check evaluates rules millions of times)."""
    if isinstance(node, ast.Constant):
        c = node.value
        return lambda env: c
    if isinstance(node, ast.Name):
        name = node.id
        return lambda env: env.get(name)
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [_compile(e) for e in node.elts]
        return lambda env: tuple(f(env) for f in items)
    if isinstance(node, ast.BoolOp):
        fs = [_compile(v) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(f(env) for f in fs)
        return lambda env: any(f(env) for f in fs)
    if isinstance(node, ast.UnaryOp):
        f = _compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda env: not f(env)
        return lambda env: (lambda v: None if v is None else -v)(f(env))
    if isinstance(node, ast.Compare):
        left_f = _compile(node.left)
        pairs = [(type(op), _compile(c)) for op, c in zip(node.ops, node.comparators)]

        def compare(env):
            left = left_f(env)
            for op, cf in pairs:
                right = cf(env)
                if op in (ast.In, ast.NotIn):
                    ok = left is not None and (left in right) == (op is ast.In)
                elif left is None or right is None:
                    ok = op is ast.NotEq and left is not right
                elif op not in (ast.Eq, ast.NotEq) and (isinstance(left, str) or isinstance(right, str)):
                    ok = False
                else:
                    try:
                        ok = _CMP[op](left, right)
                    except TypeError:
                        ok = False
                if not ok:
                    return False
                left = right
            return True
        return compare
    if isinstance(node, ast.BinOp):
        a_f, b_f, op = _compile(node.left), _compile(node.right), _BIN[type(node.op)]

        def binop(env):
            a, b = a_f(env), b_f(env)
            if not _num(a) or not _num(b):
                return None
            try:
                return op(a, b)
            except (TypeError, ZeroDivisionError):
                return None
        return binop
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)  # Expr() admits calls of _FUNCS by name only
        arg_fs, fn = [_compile(a) for a in node.args], _FUNCS[node.func.id]

        def call(env):
            args = [f(env) for f in arg_fs]
            return fn(*args) if all(_num(a) for a in args) else None
        return call
    raise ExprError(f"cannot compile {ast.dump(node)}")  # pragma: no cover - rejected at parse time
