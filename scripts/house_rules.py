"""House rules of src/ that grep cannot check (called by scripts/check-layers.sh): no
`Result<_, String>` outside tests (errors are typed: see the results model in STYLE), a budget
of lines of code per file (220 in commands/, which stay thin; 450 elsewhere), no file writing in
`readers/` (outputs live in `output/`). Test code (`tests.rs`, `#[cfg(test)]` items), comments
and string contents are left out (scripts/rust_code.py). Prints every violation as
`layers: ...` and exits 1 if there is one."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rust_code import without_tests  # noqa: E402

ROOT = sys.argv[1] if len(sys.argv) > 1 else "src"
# Lines of code a file may have (not counting tests, comments, doc comments and blank lines):
# commands are thin (uv's commands/); anything past the general budget is several files' worth.
COMMAND_BUDGET = 220
FILE_BUDGET = 450
# What writes files: not for readers (a temporary spool of standard input, made with tempfile,
# is reading).
WRITING = re.compile(
    r"File::create|OpenOptions|\.write\(true\)|\.persist\(|fs::write\(|create_dir|"
    r"fs::rename|remove_file|remove_dir|crate::output"
)


def code_of(path):
    return without_tests(open(path, encoding="utf-8").read())


def string_errors(text):
    """Line numbers of `Result<T, String>` (the second argument at the top level)."""
    found = []
    for m in re.finditer(r"\bResult<", text):
        depth, i, args, cur = 1, m.end(), [], ""
        while i < len(text) and depth:
            c = text[i]
            if c == "<":
                depth += 1
            elif c == ">":
                depth -= 1
            if depth == 1 and c == ",":
                args.append(cur)
                cur = ""
            elif depth:
                cur += c
            i += 1
        args.append(cur)
        if len(args) == 2 and re.fullmatch(r"\s*(std::string::)?String\s*", args[1]):
            found.append(text.count("\n", 0, m.start()) + 1)
    return found


bad = []
for folder, _, files in os.walk(ROOT):
    for f in sorted(files):
        if not f.endswith(".rs") or f == "tests.rs":
            continue
        path = os.path.join(folder, f)
        code = code_of(path)
        bare = code
        for line in string_errors(bare):
            bad.append(f"{path}:{line}: Result<_, String>: give the error a type (an enum with thiserror)")
        # Lines of code: not blank once tests and comments are out.
        lines = sum(1 for line in code.split("\n") if line.strip())
        rel = os.path.relpath(path, ROOT)
        budget = COMMAND_BUDGET if rel.startswith("commands" + os.sep) else FILE_BUDGET
        if lines > budget:
            bad.append(f"{path}: {lines} lines of code, over the budget of {budget}: split it by concern")
        if rel.startswith("readers" + os.sep):
            for m in WRITING.finditer(bare):
                line = bare.count("\n", 0, m.start()) + 1
                bad.append(f"{path}:{line}: {m.group(0)}: readers read; files are written in output/")
for b in bad:
    print("layers: " + b)
sys.exit(1 if bad else 0)
