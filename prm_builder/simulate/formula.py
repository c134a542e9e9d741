"""An evaluator for the Salesforce formula language, as far as prm's generated metadata uses it.

The simulator (prm test) reads formulas out of the generated XML (formula fields, validation
rules, workflow field updates, assignment-rule and flow formulas) and needs their values.
It is cross-checked against an independent engine (the `formulon` npm package) over every
generated formula in tests/test_formula_formulon.py.

Values: ``None`` is blank; numbers are ``Decimal``; text is ``str``; picklist values are
``Picklist`` (a ``str`` that only ISPICKVAL, TEXT, CASE and ISBLANK accept, as on the
platform); checkboxes are ``bool``; dates ``datetime.date``; date/times ``datetime.datetime``.

Platform behaviour relied on (Salesforce Help, "Formula Operators and Functions by Context"
and "Using Blank and Null Values in Formulas"):
- text: a blank text field equals "" (null and empty string are the same value);
- numbers: with "Treat blank fields as zeroes" (BlankAsZero) a blank number field reads as 0,
  so ISBLANK() of it is FALSE and BLANKVALUE() never substitutes; with BlankAsBlank a blank
  stays blank and arithmetic with it is blank;
- ``Date + n`` adds days, ``Date - Date`` is a number of days, ``DateTime + n`` adds
  (fractional) days;
- ``&&``, ``||``, ``<>`` and ``!=`` are operators as well as AND(), OR() and NOT().
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

Value = Any  # None | Decimal | str | Picklist | bool | date | datetime


class FormulaError(Exception):
    """A formula that does not parse or does not type-check (the platform would reject it)."""


class Picklist(str):
    """A picklist field's value: comparable only through ISPICKVAL/TEXT/CASE/ISBLANK."""


# ---------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>/\*.*?\*/)
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<merge>\{!\s*[$A-Za-z_][\w.:$]*\s*\})
  | (?P<ident>\$?[A-Za-z_][\w]*(?:[.:][\w$]+)*)
  | (?P<op>&&|\|\||<>|!=|<=|>=|==|[-+*/^&=<>(),])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, ident, op, end
    text: str
    pos: int


def tokenize(src: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m:
            raise FormulaError(f"unexpected character {src[pos]!r} at {pos}")
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "merge":  # flow merge field {!$Record.X} is a plain reference
            kind, text = "ident", text[2:-1].strip()
        if kind not in ("ws", "comment"):
            out.append(Token(kind, text, pos))
        pos = m.end()
    out.append(Token("end", "", pos))
    return out


# ---------------------------------------------------------------- parser (AST as tuples)

_BINARY_LEVELS: list[tuple[str, ...]] = [
    ("||",),
    ("&&",),
    ("=", "==", "<>", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-", "&"),
    ("*", "/"),
    ("^",),
]


class _Parser:
    def __init__(self, src: str) -> None:
        self.toks = tokenize(src)
        self.i = 0

    def peek(self) -> Token:
        return self.toks[self.i]

    def take(self, text: str | None = None) -> Token:
        tok = self.toks[self.i]
        if text is not None and tok.text != text:
            raise FormulaError(f"expected {text!r} at {tok.pos}, found {tok.text or 'end'!r}")
        self.i += 1
        return tok

    def parse(self) -> tuple:
        node = self.binary(0)
        if self.peek().kind != "end":
            raise FormulaError(f"unexpected {self.peek().text!r} at {self.peek().pos}")
        return node

    def binary(self, level: int) -> tuple:
        if level == len(_BINARY_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().text in _BINARY_LEVELS[level]:
            op = self.take().text
            node = ("bin", op, node, self.binary(level + 1))
        return node

    def unary(self) -> tuple:
        if self.peek().kind == "op" and self.peek().text in ("-", "+"):
            op = self.take().text
            return ("neg", self.unary()) if op == "-" else self.unary()
        return self.primary()

    def primary(self) -> tuple:
        tok = self.take()
        if tok.kind == "num":
            return ("lit", Decimal(tok.text))
        if tok.kind == "str":
            return ("lit", _unescape(tok.text[1:-1]))
        if tok.kind == "op" and tok.text == "(":
            node = self.binary(0)
            self.take(")")
            return node
        if tok.kind == "ident":
            if self.peek().text == "(":
                self.take("(")
                args: list[tuple] = []
                if self.peek().text != ")":
                    args.append(self.binary(0))
                    while self.peek().text == ",":
                        self.take(",")
                        args.append(self.binary(0))
                self.take(")")
                return ("call", tok.text.upper(), tuple(args))
            upper = tok.text.upper()
            if upper in ("TRUE", "FALSE"):
                return ("lit", upper == "TRUE")
            if upper == "NULL":
                return ("lit", None)
            return ("ref", tok.text)
        raise FormulaError(f"unexpected {tok.text or 'end'!r} at {tok.pos}")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), text)


@functools.lru_cache(maxsize=4096)
def parse(src: str) -> tuple:
    """The AST of a formula (immutable tuples, so cached); raises FormulaError on a syntax error."""
    return _Parser(src).parse()


def references(src: str) -> list[str]:
    """Every field reference a formula reads (in order, without repeats)."""
    seen: list[str] = []

    def walk(node: tuple) -> None:
        if node[0] == "ref" and node[1] not in seen:
            seen.append(node[1])
        for child in node[1:]:
            if isinstance(child, tuple) and child and isinstance(child[0], str):
                walk(child)
            elif isinstance(child, tuple):
                for c in child:
                    if isinstance(c, tuple):
                        walk(c)

    walk(parse(src))
    return seen


# ---------------------------------------------------------------- evaluation context

NUMERIC_TYPES = frozenset({"Number", "Currency", "Percent"})


@dataclass
class Context:
    """What a formula sees: the record (and related records by dotted path), its prior values,
    whether it is new, the running user ($User.*), the clock and the blank mode.

    ``types`` maps a reference (as written, case-insensitively) to its field type
    (Number, Currency, Percent, Text, Picklist, Checkbox, Date, DateTime, ...), used for
    BlankAsZero and for wrapping picklist values.
    """

    values: Mapping[str, Value] = field(default_factory=dict)
    prior: Mapping[str, Value] | None = None
    is_new: bool = False
    user: Mapping[str, Value] = field(default_factory=dict)
    today: dt.date = dt.date(2026, 1, 1)
    now: dt.datetime | None = None
    blank_as_zero: bool = False
    types: Mapping[str, str] = field(default_factory=dict)
    resolver: Callable[[str], tuple[bool, Value]] | None = None

    def __post_init__(self) -> None:
        self._values = {_strip_record(k).lower(): v for k, v in self.values.items()}
        self._prior = {_strip_record(k).lower(): v for k, v in (self.prior or {}).items()}
        self._types = {_strip_record(k).lower(): v for k, v in self.types.items()}
        self._user = {k.lower(): v for k, v in self.user.items()}

    def type_of(self, name: str) -> str | None:
        return self._types.get(_strip_record(name).lower())

    def lookup(self, name: str, prior: bool = False) -> Value:
        key = _strip_record(name).lower()
        if key.startswith("$user."):
            return _coerce(self._user.get(key[6:]), None, False)
        source = self._prior if prior else self._values
        if key in source:
            raw = source[key]
        elif self.resolver is not None:
            found, raw = self.resolver(_strip_record(name))
            if not found:
                raise FormulaError(f"unknown field {name!r}")
        else:
            raise FormulaError(f"unknown field {name!r}")
        return _coerce(raw, self._types.get(key), self.blank_as_zero)


def _strip_record(name: str) -> str:
    # Flow formulas read the triggering record as $Record.Field (Owner:Group.X is a
    # polymorphic path and is kept as written).
    return name[8:] if name.lower().startswith("$record.") else name


def _coerce(raw: Value, ftype: str | None, blank_as_zero: bool) -> Value:
    if raw == "" and ftype not in ("Checkbox",):
        raw = None
    if ftype in NUMERIC_TYPES:
        if raw is None:
            return Decimal(0) if blank_as_zero else None
        return Decimal(str(raw))
    if ftype in ("Picklist", "MultiselectPicklist"):
        return None if raw is None else Picklist(str(raw))
    if ftype == "Checkbox":
        return bool(raw)
    if ftype == "Date" and isinstance(raw, str):
        return dt.date.fromisoformat(raw)
    if ftype == "DateTime" and isinstance(raw, str):
        return dt.datetime.fromisoformat(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Decimal(str(raw))
    return raw


# ---------------------------------------------------------------- evaluator

def evaluate(src: str | tuple, ctx: Context | None = None) -> Value:
    """Evaluate a formula (source text or a parsed AST) in a context."""
    node = parse(src) if isinstance(src, str) else src
    return _Eval(ctx or Context()).ev(node)


def _is_blank(v: Value) -> bool:
    return v is None or v == ""


def _num(v: Value, what: str) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, Decimal):
        raise FormulaError(f"{what} expects a number, got {type(v).__name__}")
    return v


def _extreme(pick: Callable[..., Decimal], values: list[Decimal | None]) -> Decimal | None:
    """MAX / MIN: a blank argument makes the result blank (a blank number propagates)."""
    return None if any(v is None for v in values) else pick(values)


def _text(v: Value, what: str) -> str:
    if isinstance(v, Picklist):
        raise FormulaError(f"{what}: a picklist field can only be used in ISPICKVAL, TEXT, CASE or ISBLANK")
    if v is None:
        return ""
    if not isinstance(v, str):
        raise FormulaError(f"{what} expects text, got {type(v).__name__}")
    return v


def _bool(v: Value, what: str) -> bool:
    if v is None:
        return False
    if not isinstance(v, bool):
        raise FormulaError(f"{what} expects a boolean, got {type(v).__name__}")
    return v


def _compare(op: str, a: Value, b: Value) -> bool:
    if isinstance(a, Picklist) or isinstance(b, Picklist):
        raise FormulaError("a picklist field can only be used in ISPICKVAL, TEXT, CASE or ISBLANK")
    if isinstance(a, str) or isinstance(b, str):
        # Text: blank and "" are the same value.
        a, b = a or "", b or ""
    if a is None or b is None:
        # A comparison with a blank number or date is null, which a rule reads as FALSE
        # (Help, ISNULL: "to validate that a custom field contains a value of 1, use
        # OR(ISNULL(field__c), field__c<>1)" -- field__c<>1 alone does not fire on blank).
        return a is None and b is None and op in ("=", "==")
    if op in ("=", "=="):
        return a == b
    if op in ("<>", "!="):
        return a != b
    if type(a) is not type(b) and not (isinstance(a, dt.date) and isinstance(b, dt.date)):
        raise FormulaError(f"cannot compare {type(a).__name__} with {type(b).__name__}")
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _arith(op: str, a: Value, b: Value) -> Value:
    if op == "&":
        return _text(a, "&") + _text(b, "&")
    if a is None or b is None:
        return None
    if isinstance(a, dt.datetime) and isinstance(b, Decimal) and op in "+-":
        delta = dt.timedelta(days=float(b))
        return a + delta if op == "+" else a - delta
    if isinstance(a, dt.date) and not isinstance(a, dt.datetime) and isinstance(b, Decimal) and op in "+-":
        delta = dt.timedelta(days=int(b))
        return a + delta if op == "+" else a - delta
    if isinstance(a, Decimal) and isinstance(b, dt.date) and op == "+":
        return _arith("+", b, a)
    if isinstance(a, dt.date) and isinstance(b, dt.date) and op == "-":
        if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
            return Decimal(str((a - b).total_seconds())) / Decimal(86400)  # type: ignore[operator]
        return Decimal((a - b).days)
    x, y = _num(a, op), _num(b, op)
    assert x is not None and y is not None
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            raise FormulaError("division by zero")  # #Error! on the platform
        return x / y
    if op == "^":
        return x ** int(y) if y == int(y) else Decimal(float(x) ** float(y))
    raise FormulaError(f"unknown operator {op}")


class _Eval:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def ev(self, node: tuple) -> Value:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "ref":
            return self.ctx.lookup(node[1])
        if kind == "neg":
            v = self.ev(node[1])
            return None if v is None else -_num(v, "-")  # type: ignore[operator]
        if kind == "bin":
            _, op, left, right = node
            if op == "&&":
                return _bool(self.ev(left), "&&") and _bool(self.ev(right), "&&")
            if op == "||":
                return _bool(self.ev(left), "||") or _bool(self.ev(right), "||")
            a, b = self.ev(left), self.ev(right)
            if op in ("=", "==", "<>", "!=", "<", "<=", ">", ">="):
                return _compare(op, a, b)
            return _arith(op, a, b)
        if kind == "call":
            fn = _FUNCTIONS.get(node[1])
            if fn is None:
                raise FormulaError(f"unknown function {node[1]}")
            return fn(self, node[2])
        raise FormulaError(f"bad node {kind}")


def _arity(args: tuple, lo: int, hi: int | None, name: str) -> None:
    hi = lo if hi is None else hi
    if not lo <= len(args) <= hi:
        raise FormulaError(f"{name}() takes {lo}..{hi} arguments, got {len(args)}")


def _fn_if(e: _Eval, args: tuple) -> Value:
    _arity(args, 3, 3, "IF")
    return e.ev(args[1]) if _bool(e.ev(args[0]), "IF") else e.ev(args[2])


def _fn_and(e: _Eval, args: tuple) -> Value:
    return all(_bool(e.ev(a), "AND") for a in args)


def _fn_or(e: _Eval, args: tuple) -> Value:
    return any(_bool(e.ev(a), "OR") for a in args)


def _fn_not(e: _Eval, args: tuple) -> Value:
    _arity(args, 1, 1, "NOT")
    return not _bool(e.ev(args[0]), "NOT")


def _fn_case(e: _Eval, args: tuple) -> Value:
    if len(args) < 4 or len(args) % 2:
        raise FormulaError("CASE() takes an expression, value/result pairs and an else result")
    subject = e.ev(args[0])
    key = str(subject) if isinstance(subject, Picklist) else subject
    if isinstance(key, str) or key is None:
        key = key or ""
    for i in range(1, len(args) - 1, 2):
        candidate = e.ev(args[i])
        if isinstance(candidate, str) or candidate is None:
            candidate = candidate or ""
        if candidate == key:
            return e.ev(args[i + 1])
    return e.ev(args[-1])


def _fn_ispickval(e: _Eval, args: tuple) -> Value:
    _arity(args, 2, 2, "ISPICKVAL")
    value = e.ev(args[0])
    if value is not None and not isinstance(value, Picklist):
        raise FormulaError("ISPICKVAL() expects a picklist field")
    return (value or "") == _text(e.ev(args[1]), "ISPICKVAL")


def _fn_text(e: _Eval, args: tuple) -> Value:
    _arity(args, 1, 1, "TEXT")
    v = e.ev(args[0])
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%SZ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        raise FormulaError("TEXT() does not take a checkbox")
    return str(v)


def _fn_isblank(e: _Eval, args: tuple) -> Value:
    _arity(args, 1, 1, "ISBLANK")
    return _is_blank(e.ev(args[0]))


def _fn_blankvalue(e: _Eval, args: tuple) -> Value:
    _arity(args, 2, 2, "BLANKVALUE")
    v = e.ev(args[0])
    return e.ev(args[1]) if _is_blank(v) else v


def _fn_isnew(e: _Eval, args: tuple) -> Value:
    _arity(args, 0, 0, "ISNEW")
    return e.ctx.is_new


def _prior_ref(args: tuple, name: str) -> str:
    _arity(args, 1, 1, name)
    if args[0][0] != "ref":
        raise FormulaError(f"{name}() takes a field")
    return args[0][1]


def _fn_ischanged(e: _Eval, args: tuple) -> Value:
    ref = _prior_ref(args, "ISCHANGED")
    if e.ctx.is_new or e.ctx.prior is None:
        return False  # ISCHANGED is FALSE on insert (Help: ISCHANGED)
    old, new = e.ctx.lookup(ref, prior=True), e.ctx.lookup(ref)
    return (old or None) != (new or None) if isinstance(new, str) or isinstance(old, str) else old != new


def _fn_priorvalue(e: _Eval, args: tuple) -> Value:
    ref = _prior_ref(args, "PRIORVALUE")
    if e.ctx.is_new or e.ctx.prior is None:
        return e.ctx.lookup(ref)  # on insert PRIORVALUE returns the current value
    return e.ctx.lookup(ref, prior=True)


def _fn_today(e: _Eval, args: tuple) -> Value:
    _arity(args, 0, 0, "TODAY")
    return e.ctx.today


def _fn_now(e: _Eval, args: tuple) -> Value:
    _arity(args, 0, 0, "NOW")
    return e.ctx.now or dt.datetime.combine(e.ctx.today, dt.time(12, 0))


def _fn_date(e: _Eval, args: tuple) -> Value:
    _arity(args, 3, 3, "DATE")
    y, m, d = (_num(e.ev(a), "DATE") for a in args)
    if y is None or m is None or d is None:
        return None
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise FormulaError(f"DATE(): {exc}") from None


def _fn_addmonths(e: _Eval, args: tuple) -> Value:
    """ADDMONTHS(date, n) (Salesforce Help, "Formula Operators and Functions"): the date n
    months later; when that month is shorter, or the date is the last day of its month, the
    last day of the resulting month."""
    _arity(args, 2, 2, "ADDMONTHS")
    start, n = e.ev(args[0]), _num(e.ev(args[1]), "ADDMONTHS")
    if start is None or n is None:
        return None
    if not isinstance(start, dt.date):
        raise FormulaError("ADDMONTHS() needs a date")
    is_datetime = isinstance(start, dt.datetime)
    day = start.date() if is_datetime else start
    months = day.year * 12 + (day.month - 1) + int(n)
    year, month = divmod(months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    result = dt.date(year, month, last if at_month_end else min(day.day, last))
    return dt.datetime.combine(result, start.time()) if is_datetime else result


def _fn_text_fn(fn: Callable[..., Value], lo: int, hi: int, name: str) -> Callable[[_Eval, tuple], Value]:
    def call(e: _Eval, args: tuple) -> Value:
        _arity(args, lo, hi, name)
        return fn(*(e.ev(a) for a in args))

    return call


def _mid(s: Value, start: Value, length: Value) -> Value:
    text = _text(s, "MID")
    st, ln = _num(start, "MID"), _num(length, "MID")
    if st is None or ln is None:
        return ""
    begin = max(int(st), 1) - 1
    return text[begin : begin + int(ln)]


def _find(needle: Value, hay: Value, start: Value = Decimal(1)) -> Value:
    n, h = _text(needle, "FIND"), _text(hay, "FIND")
    st = int(_num(start, "FIND") or 1)
    if not n:
        return Decimal(0)
    return Decimal(h.find(n, st - 1) + 1)


def _round(v: Value, digits: Value) -> Value:
    x, d = _num(v, "ROUND"), _num(digits, "ROUND")
    if x is None or d is None:
        return None
    try:
        q = Decimal(1).scaleb(-int(d))
        return x.quantize(q, rounding="ROUND_HALF_UP")
    except InvalidOperation:
        return x


def _value(v: Value) -> Value:
    t = _text(v, "VALUE")
    try:
        return Decimal(t.strip()) if t.strip() else None
    except InvalidOperation:
        raise FormulaError(f"VALUE(): {t!r} is not a number") from None


_FUNCTIONS: dict[str, Callable[[_Eval, tuple], Value]] = {
    "IF": _fn_if,
    "AND": _fn_and,
    "OR": _fn_or,
    "NOT": _fn_not,
    "CASE": _fn_case,
    "ISPICKVAL": _fn_ispickval,
    "TEXT": _fn_text,
    "ISBLANK": _fn_isblank,
    "ISNULL": _fn_isblank,
    "BLANKVALUE": _fn_blankvalue,
    "NULLVALUE": _fn_blankvalue,
    "ISNEW": _fn_isnew,
    "ISCHANGED": _fn_ischanged,
    "PRIORVALUE": _fn_priorvalue,
    "TODAY": _fn_today,
    "NOW": _fn_now,
    "DATE": _fn_date,
    "ADDMONTHS": _fn_addmonths,
    "LOWER": _fn_text_fn(lambda s: _text(s, "LOWER").lower(), 1, 1, "LOWER"),
    "UPPER": _fn_text_fn(lambda s: _text(s, "UPPER").upper(), 1, 1, "UPPER"),
    "TRIM": _fn_text_fn(lambda s: _text(s, "TRIM").strip(), 1, 1, "TRIM"),
    "LEN": _fn_text_fn(lambda s: Decimal(len(_text(s, "LEN"))), 1, 1, "LEN"),
    "MID": _fn_text_fn(_mid, 3, 3, "MID"),
    "LEFT": _fn_text_fn(lambda s, n: _text(s, "LEFT")[: max(int(_num(n, "LEFT") or 0), 0)], 2, 2, "LEFT"),
    "RIGHT": _fn_text_fn(
        lambda s, n: _text(s, "RIGHT")[len(_text(s, "RIGHT")) - max(int(_num(n, "RIGHT") or 0), 0):]
        if int(_num(n, "RIGHT") or 0) > 0 else "", 2, 2, "RIGHT"),
    "FIND": _fn_text_fn(_find, 2, 3, "FIND"),
    "CONTAINS": _fn_text_fn(lambda h, n: _text(n, "CONTAINS") in _text(h, "CONTAINS"), 2, 2, "CONTAINS"),
    "BEGINS": _fn_text_fn(lambda s, p: _text(s, "BEGINS").startswith(_text(p, "BEGINS")), 2, 2, "BEGINS"),
    "ROUND": _fn_text_fn(_round, 2, 2, "ROUND"),
    "ABS": _fn_text_fn(lambda v: None if v is None else abs(_num(v, "ABS")), 1, 1, "ABS"),  # type: ignore[arg-type]
    "MAX": lambda e, a: _extreme(max, [_num(e.ev(x), "MAX") for x in a]),
    "MIN": lambda e, a: _extreme(min, [_num(e.ev(x), "MIN") for x in a]),
    "VALUE": _fn_text_fn(_value, 1, 1, "VALUE"),
    "DATEVALUE": _fn_text_fn(
        lambda v: v.date() if isinstance(v, dt.datetime) else (dt.date.fromisoformat(v) if v else None),
        1, 1, "DATEVALUE"),
}
