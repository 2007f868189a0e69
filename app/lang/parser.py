"""A Pratt parser for the chainrule language. Never uses eval, exec, compile or ast."""

from __future__ import annotations

import math

from app.lang.ast import (
    Assign,
    Binary,
    Call,
    Expr,
    ExprStmt,
    FuncDef,
    Name,
    Num,
    Program,
    Statement,
    Unary,
)
from app.lang.constants import ConstantFolder
from app.lang.cursor import TokenCursor
from app.lang.errors import ParseError
from app.lang.limits import DEFAULT_LIMITS, Limits
from app.lang.scope import Scope
from app.lang.tokens import Tok, Token

# Binding powers: + - < * / < unary minus < ^ ** (right-associative).
_INFIX = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 40, "**": 40}
_UNARY_BP = 30


class Parser(TokenCursor):
    """Turns one source text into a Program, enforcing limits as it goes."""

    def __init__(self, source: str, limits: Limits = DEFAULT_LIMITS) -> None:
        super().__init__(source, limits)
        self.depth = 0
        self.scope = Scope(source)
        self.constants = ConstantFolder(source, limits.max_exponent)

    # ----- program ----------------------------------------------------------------
    def parse_program(self) -> Program:
        """program := sep* statement (sep+ statement)* sep* EOF"""
        statements: list[Statement] = []
        while True:
            while self.tok.kind is Tok.SEP:
                self.advance()
            if self.tok.kind is Tok.EOF:
                break
            statements.append(self.parse_statement())
            if self.tok.kind not in (Tok.SEP, Tok.EOF):
                raise self.error(
                    f"expected an operator or end of line, found {self.describe(self.tok)}"
                )
        if not statements:
            raise ParseError(
                "empty program: write an expression such as (a+b)*(b+1)",
                self.source,
                0,
                kind="empty",
            )
        for stmt in statements[:-1]:
            if isinstance(stmt, ExprStmt):
                raise ParseError(
                    "this value is never used: name it (x = ...) or make it the last statement",
                    self.source,
                    stmt.start,
                    stmt.end,
                )
        last = statements[-1]
        if isinstance(last, FuncDef):
            raise ParseError(
                "the program has no output: the last statement defines a function",
                self.source,
                last.start,
                last.end,
                kind="output",
            )
        return Program(
            source=self.source,
            statements=tuple(statements),
            functions=dict(self.scope.functions),
            inputs=tuple(self.scope.inputs),
            output=last.name if isinstance(last, Assign) else None,
            node_count=self.nodes,
        )

    def parse_statement(self) -> Statement:
        """statement := 'def' funcdef | NAME '=' expr | expr"""
        t = self.tok
        if t.kind is Tok.NAME and t.text == "def":
            return self.parse_funcdef()
        nxt = self.tokens[self.i + 1]
        if t.kind is Tok.NAME and nxt.kind is Tok.OP and nxt.text == "=":
            self.advance()
            self.advance()
            expr = self.parse_expr(0)
            self.scope.assign(t.text, t.start, t.end)
            return Assign(t.text, expr, t.start, expr.end)
        expr = self.parse_expr(0)
        if self.at("="):
            raise self.error("only a plain name can be assigned to (name = expression)")
        return ExprStmt(expr, expr.start, expr.end)

    def parse_funcdef(self) -> FuncDef:
        """funcdef := 'def' NAME '(' [NAME (',' NAME)*] ')' '=' expr ['grad' expr (',' expr)*]"""
        start = self.advance().start
        name_tok = self.advance()
        if name_tok.kind is not Tok.NAME:
            raise self.error("expected a function name after 'def'", name_tok)
        self.scope.check_function_name(name_tok.text, name_tok.start, name_tok.end)
        self.expect("(", "after the function name")
        params: list[str] = []
        while not self.at(")"):
            p = self.advance()
            if p.kind is not Tok.NAME or p.text in ("def", "grad"):
                raise self.error("expected a parameter name", p)
            if p.text in params:
                raise self.error(f"parameter '{p.text}' appears twice", p)
            params.append(p.text)
            if not self.at(")"):
                self.expect(",", "between parameters")
        self.advance()
        self.expect("=", "after the parameter list (def f(x) = ...)")
        self.scope.params, self.scope.defining = tuple(params), name_tok.text
        nodes_before = self.nodes
        try:
            body = self.parse_expr(0)
            grads: tuple[Expr, ...] | None = None
            if self.tok.kind is Tok.NAME and self.tok.text == "grad":
                grad_tok = self.advance()
                items = [self.parse_expr(0)]
                while self.at(","):
                    self.advance()
                    items.append(self.parse_expr(0))
                if len(items) != len(params):
                    raise ParseError(
                        f"{name_tok.text} has {len(params)} parameter(s) but "
                        f"{len(items)} derivative(s) after 'grad'",
                        self.source,
                        grad_tok.start,
                        grad_tok.end,
                        kind="arity",
                    )
                grads = tuple(items)
        finally:
            self.scope.params, self.scope.defining = None, None
        end = (grads[-1] if grads else body).end
        func = FuncDef(name_tok.text, tuple(params), body, grads, start, end)
        self.scope.define(func, max(1, self.nodes - nodes_before))
        return func

    # ----- expressions ------------------------------------------------------------
    def parse_expr(self, min_bp: int) -> Expr:
        """expr := prefix (infix-op expr)*, by binding power; ^ and ** bind right."""
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise self.error(
                f"expression is nested more than {self.limits.max_depth} levels deep", kind="limit"
            )
        try:
            left = self.parse_prefix()
            while True:
                t = self.tok
                bp = _INFIX.get(t.text) if t.kind is Tok.OP else None
                if bp is None or bp <= min_bp:
                    break
                self.advance()
                op = "^" if t.text == "**" else t.text
                right = self.parse_expr(bp - 1 if op == "^" else bp)
                if op == "^":
                    self.constants.check_exponent(right)
                self.count(t.start)
                left = Binary(op, left, right, left.start, right.end)
                self.constants.fold(left)
            return left
        finally:
            self.depth -= 1

    def parse_prefix(self) -> Expr:
        """prefix := NUMBER | NAME | NAME '(' args ')' | '(' expr ')' | '-' expr | '+' expr"""
        t = self.advance()
        if t.kind is Tok.NUM:
            value = float(t.text)
            if math.isinf(value):
                raise self.error("number is too large for a float", t, kind="limit")
            self.count(t.start)
            num = Num(value, t.text, t.start, t.end)
            self.constants.number(num, value)
            return num
        if t.kind is Tok.NAME:
            if self.at("("):
                return self.parse_call(t)
            if t.text in ("def", "grad"):
                raise self.error(f"'{t.text}' cannot appear inside an expression", t)
            self.scope.use(t.text, t.start, t.end)
            self.count(t.start)
            return Name(t.text, t.start, t.end)
        if t.kind is Tok.OP and t.text in ("-", "+"):
            operand = self.parse_expr(_UNARY_BP)
            if t.text == "+":
                return operand
            self.count(t.start)
            node = Unary("neg", operand, t.start, operand.end)
            self.constants.fold(node)
            return node
        if t.kind is Tok.OP and t.text == "(":
            if self.at(")"):
                raise self.error("empty parentheses: expected an expression", self.tok)
            inner = self.parse_expr(0)
            if not self.at(")"):
                raise self.error(
                    f"'(' at column {self.col(t)} is never closed: expected ')' "
                    f"before {self.describe(self.tok)}",
                    self.tok,
                    kind="paren",
                )
            self.advance()
            return inner
        if t.kind is Tok.OP and t.text == ")":
            raise self.error("unmatched ')'", t, kind="paren")
        if t.kind in (Tok.EOF, Tok.SEP):
            raise self.error(f"expected an expression, found {self.describe(t)}", t)
        raise self.error(f"expected an expression, found {self.describe(t)}", t)

    def parse_call(self, name: Token) -> Call:
        """call := NAME '(' [expr (',' expr)*] ')'"""
        self.advance()
        args: list[Expr] = []
        if not self.at(")"):
            args.append(self.parse_expr(0))
            while self.at(","):
                self.advance()
                args.append(self.parse_expr(0))
        if not self.at(")"):
            raise self.error(
                f"expected ',' or ')' in the call of {name.text}, found {self.describe(self.tok)}",
                kind="paren",
            )
        close = self.advance()
        self.scope.check_call(name.text, len(args), name.start, close.end)
        size, depth = self.scope.call_cost(name.text)
        if depth > self.limits.max_call_depth:
            raise ParseError(
                f"user functions call each other more than "
                f"{self.limits.max_call_depth} levels deep",
                self.source,
                name.start,
                close.end,
                kind="limit",
            )
        self.count(name.start, 1 + size)
        return Call(name.text, tuple(args), name.start, close.end)


def parse(source: str, limits: Limits = DEFAULT_LIMITS) -> Program:
    """Parse a program, or raise ParseError with its line and column."""
    return Parser(source, limits).parse_program()
