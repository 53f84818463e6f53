"""Spreadsheet-style cell formulas and plug-in hooks."""
import ast


def evaluate_cell(expression):
    # ruleid: py-lang-eval-exec-non-literal
    return eval(expression)


def run_plugin(source_code, env):
    # ruleid: py-lang-eval-exec-non-literal
    exec(source_code, {"__builtins__": {}}, env)


def parse_settings(text):
    # ruleid: py-lang-eval-exec-non-literal
    return eval("dict(" + text + ")")


def parse_literal(text):
    # ok: py-lang-eval-exec-non-literal
    return ast.literal_eval(text)


def default_limits():
    # ok: py-lang-eval-exec-non-literal
    return eval("{'rows': 1000, 'cols': 26}")


def discount(pricing_rules, cart):
    # ok: py-lang-eval-exec-non-literal
    return pricing_rules.eval(cart)
