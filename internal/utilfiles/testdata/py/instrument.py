"""Writes an instrumented copy of a Python module the way telemetry-inject
renders it (CONTRACT v2): the runtime import after the docstring and
__future__ imports, and every function body wrapped in
``with __ti_span__(...):`` after its docstring. Used by the tests to instrument
real modules (the standard library's own) without depending on the
renderer. Usage: instrument.py SRC DST MODULE_NAME"""
import ast
import io
import sys
import tokenize

IMPORT = "from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject\n"


def is_generator(fn):
    todo = list(ast.iter_child_nodes(fn))
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))
    return False


def functions(tree, prefix):
    """Yields (qualname, node) for every function, nested ones included."""
    todo = [(prefix, n) for n in tree.body]
    while todo:
        qual, n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield qual + "." + n.name, n
            todo.extend((qual + "." + n.name, c) for c in ast.iter_child_nodes(n))
        elif isinstance(n, ast.ClassDef):
            todo.extend((qual + "." + n.name, c) for c in n.body)
        else:
            todo.extend((qual, c) for c in ast.iter_child_nodes(n))


def instrument(src, module, path):
    tree = ast.parse(src)
    lines = src.splitlines(keepends=True)
    in_string = set()
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.STRING and tok.start[0] != tok.end[0]:
            in_string.update(range(tok.start[0] + 1, tok.end[0] + 1))
    inserts, ranges = {}, []
    for qual, fn in functions(tree, module):
        body = fn.body
        if ast.get_docstring(fn, clean=False) is not None:
            body = body[1:]
        if not body or body[0].lineno == fn.lineno:
            continue
        first = body[0]
        start = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])])
        args = '"%s", "%s", %d, (), True' % (qual, path, fn.lineno)
        if is_generator(fn):
            args += ", True"
        inserts[start] = (" " * first.col_offset + "with __ti_span__(%s):  # @telemetry-inject\n" % args, (start, fn.end_lineno))
        ranges.append((start, fn.end_lineno))
    head = 0
    for node in tree.body:
        is_doc = node is tree.body[0] and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        if is_doc or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            head = node.end_lineno
        else:
            break
    out = []
    for i, line in enumerate(lines, 1):
        if i in inserts:
            text, own = inserts[i]
            depth = sum(1 for a, b in ranges if a <= i <= b and (a, b) != own)
            out.append("    " * depth + text)
        if i in in_string or not line.strip():
            out.append(line)
        else:
            out.append("    " * sum(1 for a, b in ranges if a <= i <= b) + line)
        if i == head:
            out.append(IMPORT)
    if head == 0:
        out.insert(0, IMPORT)
    return "".join(out)


if __name__ == "__main__":
    src_path, dst_path, name = sys.argv[1:4]
    with open(src_path, encoding="utf-8") as f:
        text = instrument(f.read(), name, name.replace(".", "/") + ".py")
    compile(text, dst_path, "exec")
    with open(dst_path, "w", encoding="utf-8") as f:
        f.write(text)
