"""A Pratt parser for the chainrule language. Never uses eval, exec, compile or ast."""

from __future__ import annotations

import math

from chainrule.lang.ast import (
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
from chainrule.lang.constants import ConstantFolder
from chainrule.lang.cursor import TokenCursor
from chainrule.lang.errors import ParseError
from chainrule.lang.limits import DEFAULT_LIMITS, Limits
from chainrule.lang.numbers import underflows
from chainrule.lang.scope import Scope
from chainrule.lang.tokens import Tok, Token
from chainrule.ops import INFIX, OPS

# Binding powers from the op table: + - < * / < unary minus < ^ ** (right-associative).
_UNARY_BP = OPS["neg"].precedence


class Parser:
    """Turns one source text into a Program, enforcing limits as it goes."""

    def __init__(self, source: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.cur = TokenCursor(source, limits)
        self.source = source = self.cur.source  # its line breaks normalised
        self.limits = limits
        self.depth = 0
        self.scope = Scope(source)
        self.constants = ConstantFolder(source, limits.max_exponent)

    # ----- program ----------------------------------------------------------------
    def parse_program(self) -> Program:
        """program := sep* statement (sep+ statement)* sep* EOF"""
        cur = self.cur
        statements: list[Statement] = []
        while True:
            while cur.tok.kind is Tok.SEP:
                cur.advance()
            if cur.tok.kind is Tok.EOF:
                break
            statements.append(self.parse_statement())
            if cur.tok.kind not in (Tok.SEP, Tok.EOF):
                raise cur.error(
                    f"expected an operator or end of line, found {cur.describe(cur.tok)}"
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
            node_count=cur.nodes,
        )

    def parse_statement(self) -> Statement:
        """statement := 'def' funcdef | NAME '=' expr | expr"""
        cur = self.cur
        t = cur.tok
        if cur.at("def", Tok.KEYWORD):
            return self.parse_funcdef()
        nxt = cur.peek()
        if t.kind is Tok.NAME and nxt.kind is Tok.OP and nxt.text == "=":
            cur.advance()
            cur.advance()
            expr = self.parse_expr(0)
            self.scope.assign(t.text, t.start, t.end)
            return Assign(t.text, expr, t.start, expr.end)
        expr = self.parse_expr(0)
        if cur.at("="):
            raise cur.error("only a plain name can be assigned to (name = expression)")
        return ExprStmt(expr, expr.start, expr.end)

    def parse_funcdef(self) -> FuncDef:
        """funcdef := 'def' NAME '(' [NAME (',' NAME)*] ')' '=' expr ['grad' expr (',' expr)*]"""
        cur = self.cur
        start = cur.advance().start
        name_tok = cur.advance()
        if name_tok.kind is not Tok.NAME:
            found = cur.describe(name_tok)
            raise cur.error(f"expected a function name after 'def', found {found}", name_tok)
        self.scope.check_function_name(name_tok.text, name_tok.start, name_tok.end)
        cur.expect("(", "after the function name")
        params: list[str] = []
        while not cur.at(")"):
            p = cur.advance()
            if p.kind is not Tok.NAME:
                raise cur.error(f"expected a parameter name, found {cur.describe(p)}", p)
            if p.text in params:
                raise cur.error(f"parameter '{p.text}' appears twice", p)
            params.append(p.text)
            if not cur.at(")"):
                cur.expect(",", "between parameters")
        cur.advance()
        cur.expect("=", "after the parameter list (def f(x) = ...)")
        self.scope.params, self.scope.defining = tuple(params), name_tok.text
        nodes_before = cur.nodes
        try:
            body = self.parse_expr(0)
            grads: tuple[Expr, ...] | None = None
            if cur.at("grad", Tok.KEYWORD):
                grad_tok = cur.advance()
                items = [self.parse_expr(0)]
                while cur.at(","):
                    cur.advance()
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
        self.scope.define(func, max(1, cur.nodes - nodes_before))
        return func

    # ----- expressions ------------------------------------------------------------
    def parse_expr(self, min_bp: int) -> Expr:
        """expr := prefix (infix-op expr)*, by binding power; ^ and ** bind right."""
        cur = self.cur
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise cur.error(
                f"expression is nested more than {self.limits.max_depth} levels deep", kind="limit"
            )
        try:
            left = self.parse_prefix()
            while True:
                t = cur.tok
                row = INFIX.get(t.text) if t.kind is Tok.OP else None
                if row is None or row.precedence <= min_bp:
                    break
                cur.advance()
                op, bp = row.name, row.precedence
                right = self.parse_expr(bp - 1 if row.right_assoc else bp)
                if op == "^":
                    self.constants.check_exponent(right)
                cur.count(t.start)
                left = Binary(op, left, right, left.start, right.end)
                self.constants.fold(left)
            return left
        finally:
            self.depth -= 1

    def parse_prefix(self) -> Expr:
        """prefix := NUMBER | NAME | NAME '(' args ')' | '(' expr ')' | '-' expr | '+' expr"""
        cur = self.cur
        t = cur.advance()
        if t.kind is Tok.NUM:
            value = float(t.text)
            if math.isinf(value):
                raise cur.error("number is too large for a float", t, kind="limit")
            if underflows(t.text, value):
                raise cur.error(
                    f"{t.text} is too small for a float: it would be 0 "
                    "(the smallest is about 5e-324; write 0 if 0 is meant)",
                    t,
                    kind="limit",
                )
            cur.count(t.start)
            num = Num(value, t.text, t.start, t.end)
            self.constants.number(num, value)
            return num
        if t.kind is Tok.NAME:
            if cur.at("("):
                return self.parse_call(t)
            self.scope.use(t.text, t.start, t.end)
            cur.count(t.start)
            return Name(t.text, t.start, t.end)
        if t.kind is Tok.KEYWORD:
            raise cur.error(f"'{t.text}' is a keyword and cannot be used as a name", t, kind="name")
        if t.kind is Tok.OP and t.text in ("-", "+"):
            operand = self.parse_expr(_UNARY_BP)
            if t.text == "+":
                return operand
            cur.count(t.start)
            node = Unary("neg", operand, t.start, operand.end)
            self.constants.fold(node)
            return node
        if t.kind is Tok.OP and t.text == "(":
            if cur.at(")"):
                raise cur.error("empty parentheses: expected an expression", cur.tok)
            inner = self.parse_expr(0)
            if not cur.at(")"):
                raise cur.error(
                    f"'(' at column {cur.col(t)} is never closed: expected ')' "
                    f"before {cur.describe(cur.tok)}",
                    cur.tok,
                    kind="paren",
                )
            close = cur.advance()
            if isinstance(inner, (Num, Name)):
                return inner
            # an operation in parentheses spans them: an error underlines "(1/3)" whole
            wrapped = inner._replace(start=t.start, end=close.end)
            self.constants.alias(inner, wrapped)
            return wrapped
        if t.kind is Tok.OP and t.text == ")":
            raise cur.error("unmatched ')'", t, kind="paren")
        raise cur.error(f"expected an expression, found {cur.describe(t)}", t)

    def parse_call(self, name: Token) -> Call:
        """call := NAME '(' [expr (',' expr)*] ')'"""
        cur = self.cur
        cur.advance()
        args: list[Expr] = []
        if not cur.at(")"):
            args.append(self.parse_expr(0))
            while cur.at(","):
                cur.advance()
                args.append(self.parse_expr(0))
        if not cur.at(")"):
            raise cur.error(
                f"expected ',' or ')' in the call of {name.text}, found {cur.describe(cur.tok)}",
                kind="paren",
            )
        close = cur.advance()
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
        cur.count(name.start, 1 + size)
        node = Call(name.text, tuple(args), name.start, close.end)
        self.constants.fold(node)
        return node


def parse(source: str, limits: Limits = DEFAULT_LIMITS) -> Program:
    """Parse a program, or raise ParseError with its line and column."""
    return Parser(source, limits).parse_program()
