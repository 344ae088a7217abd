#!/usr/bin/env python3
"""Checks ebb's Grafana dashboards against what ebb really exposes.

  check_promql.py [--generated] [--scrape FILE] [--list-exprs] DASHBOARD.json...

For every dashboard: the JSON parses, has panels, and every panel target and templating query
has a PromQL expression. With --scrape FILE (a saved `curl ADMIN/metrics`), every metric name
that an expression references must be a sample name in that scrape (so `x_bucket`, `x_sum`,
`x_count` for histogram x). With --generated, the files must be exactly what generate.py
writes. --list-exprs prints the expressions with Grafana's variables replaced, one per line,
for running them against a real Prometheus.

Exits 1 and names every problem; prints "N passed, N failed" last.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# PromQL words that are not metric names: functions, aggregations, keywords.
NOT_METRICS = {
    "sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
    "count_values", "group", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "and", "or", "unless", "offset", "rate", "irate", "increase", "delta", "idelta",
    "histogram_quantile", "label_values", "label_replace", "label_join", "clamp_min",
    "clamp_max", "abs", "ceil", "floor", "round", "vector", "scalar", "time", "deriv",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "count_over_time",
    "absent", "changes", "resets", "sort", "sort_desc", "le", "inf", "nan",
}


def strip_noise(expr):
    """The expression without strings, label matchers, grouping lists, ranges and variables."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)           # string literals
    expr = re.sub(r"\{[^{}]*\}", "", expr)                     # {label matchers}
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)                     # [ranges]
    expr = re.sub(r"\$\{?\w+\}?", " ", expr)                   # Grafana variables
    return expr


def metric_names(expr):
    """Identifiers of an expression that name metrics (not functions, keywords or numbers)."""
    names = set()
    text = strip_noise(expr)
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = m.group(0)
        rest = text[m.end():].lstrip()
        if word.lower() in NOT_METRICS or rest.startswith("("):
            continue
        if re.fullmatch(r"\d+(e\d+)?", word):
            continue
        names.add(word)
    return names


def scrape_names(text):
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line)
        if m:
            names.add(m.group(0))
    return names


def expressions(dashboard):
    """(where, expr) for every panel target and query variable."""
    out = []
    panels = list(dashboard.get("panels", []))
    while panels:
        p = panels.pop(0)
        panels.extend(p.get("panels", []))
        for t in p.get("targets", []):
            out.append((f'panel "{p.get("title")}" {t.get("refId")}', t.get("expr", "")))
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v.get("query")
            q = q.get("query", "") if isinstance(q, dict) else q or ""
            inner = re.fullmatch(r"label_values\((.*),\s*\w+\)", q.strip())
            out.append((f'variable "{v.get("name")}"', inner.group(1) if inner else q))
    return out


def concrete(expr):
    """The expression with Grafana's variables given values Prometheus accepts."""
    expr = expr.replace("$__rate_interval", "1m").replace("$__range", "5m")
    expr = expr.replace('=~"$revision"', '=~".+"').replace('=~"$service"', '=~".*"')
    return expr.replace('"$namespace"', '"default"')


def self_test():
    got = metric_names(
        'histogram_quantile(0.95, sum by (le, response_code_class) (rate(a_bucket{x="y(z)", '
        'b=~"$v"}[$__rate_interval]))) / on (le) sum(increase(b_total[5m])) + c'
    )
    assert got == {"a_bucket", "b_total", "c"}, got
    assert metric_names("max(autoscaler_panic_mode)") == {"autoscaler_panic_mode"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scrape")
    ap.add_argument("--generated", action="store_true")
    ap.add_argument("--list-exprs", action="store_true")
    ap.add_argument("dashboards", nargs="+")
    args = ap.parse_args()
    self_test()
    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL", what)

    available = None
    if args.scrape:
        with open(args.scrape, encoding="utf-8") as f:
            available = scrape_names(f.read())
        check(len(available) > 0, f"{args.scrape} holds samples")
    generated = None
    if args.generated:
        sys.path.insert(0, HERE)
        import generate  # noqa: E402

        generated = generate.outputs()
    for path in args.dashboards:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            board = json.loads(text)
        except (OSError, ValueError) as e:
            check(False, f"{path}: {e}")
            continue
        exprs = expressions(board)
        check(len(board.get("panels", [])) > 0 and len(exprs) > 0, f"{path}: has panels and queries")
        if generated is not None:
            name = os.path.basename(path)
            check(generated.get(name) == text, f"{path}: differs from generate.py's output")
        for where, expr in exprs:
            names = metric_names(expr)
            check(bool(names), f"{path}: {where}: no metric in [{expr}]")
            if available is not None:
                missing = sorted(n for n in names if n not in available)
                check(not missing, f"{path}: {where}: not in the scrape: {', '.join(missing)}")
            if args.list_exprs:
                print("EXPR", concrete(expr))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
