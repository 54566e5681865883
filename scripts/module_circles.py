"""Circles between the files of a folder of src/ (called by scripts/check-layers.sh).

In every folder, each file (and each sub-folder) is a module; a module depends on a sibling
when it names it (`super::html`, `crate::render::html`) or names an item the folder's
`mod.rs` re-exports from it (`pub use html::Page` and then `super::Page`). `mod.rs` itself is
the folder's front door (its declarations, re-exports and shared types) and is not a node;
test code (`tests.rs`, anything after `#[cfg(test)]`) is left out. Prints every circle as
`folder: a -> b -> a` and exits 1 if there is one."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rust_code import without_tests  # noqa: E402

ROOT = sys.argv[1] if len(sys.argv) > 1 else "src"


def code_of(path):
    # Tests, comments and string literals name nothing.
    return without_tests(open(path, encoding="utf-8").read())


def names_after(text, prefix):
    """Every first path segment named after `prefix` (`prefix::a`, `prefix::{a, b::c}`)."""
    out = set()
    for m in re.finditer(re.escape(prefix) + r"::(\{|[A-Za-z_][A-Za-z0-9_]*)", text):
        if m.group(1) != "{":
            out.add(m.group(1))
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        group = text[m.end():i - 1]
        # Top-level entries of the group only.
        depth, cur, parts = 0, "", []
        for c in group:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            if c == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += c
        parts.append(cur)
        for p in parts:
            p = p.strip()
            mm = re.match(r"[A-Za-z_][A-Za-z0-9_]*", p)
            if mm:
                out.add(mm.group(0))
    return out


def reexports(mod_rs, modules):
    """item name -> sibling module, from `pub use x::...` lines of mod.rs."""
    found = {}
    if not os.path.exists(mod_rs):
        return found
    text = code_of(mod_rs)
    for m in re.finditer(r"pub(?:\([a-z]+\))?\s+use\s+(?:self::)?([a-z_][a-z0-9_]*)::([^;]+);", text):
        module, rest = m.group(1), m.group(2)
        if module not in modules:
            continue
        for item in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rest):
            if item not in ("self", "as"):
                found[item] = module
    return found


circles = []
for folder, dirs, files in os.walk(ROOT):
    if folder == ROOT:
        continue
    rel = os.path.relpath(folder, ROOT).replace(os.sep, "::")
    modules = {}
    for f in files:
        if f.endswith(".rs") and f not in ("mod.rs", "tests.rs"):
            modules[f[:-3]] = [os.path.join(folder, f)]
    for d in dirs:
        sub = os.path.join(folder, d)
        if os.path.exists(os.path.join(sub, "mod.rs")):
            modules[d] = [
                os.path.join(dp, f)
                for dp, _, fs in os.walk(sub)
                for f in fs
                if f.endswith(".rs") and f != "tests.rs"
            ]
    items = reexports(os.path.join(folder, "mod.rs"), modules)
    edges = {m: set() for m in modules}
    for m, paths in modules.items():
        for p in paths:
            text = code_of(p)
            named = names_after(text, "crate::" + rel)
            # `super::` is this folder from a file directly in it, or from a sub-folder's mod.rs.
            direct = os.path.dirname(p) == folder or (
                os.path.basename(p) == "mod.rs" and os.path.dirname(os.path.dirname(p)) == folder
            )
            if direct:
                named |= names_after(text, "super")
            for n in named:
                target = n if n in modules else items.get(n)
                if target and target != m:
                    edges[m].add(target)
    # Strongly connected components (Tarjan): one message per group of files in a circle,
    # with one circle through them as the example.
    index, low, stack, on, comps = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    for comp in comps:
        # The shortest circle from the first member, within the component (breadth first).
        first, prev, queue, example = comp[0], {}, [comp[0]], None
        while queue and example is None:
            node = queue.pop(0)
            for w in sorted(edges[node]):
                if w not in comp:
                    continue
                if w == first:
                    path = [node]
                    while path[-1] != first:
                        path.append(prev[path[-1]])
                    example = list(reversed(path)) + [first]
                    break
                if w not in prev:
                    prev[w] = node
                    queue.append(w)
        why = " -> ".join(example or comp)
        circles.append(f"{rel}: {', '.join(comp)} depend on each other (e.g. {why})")

for c in circles:
    print(f"layers: circle between files of src/{c}")
sys.exit(1 if circles else 0)
