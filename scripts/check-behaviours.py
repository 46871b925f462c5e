#!/usr/bin/env python3
"""docs/aws-behaviours.md agrees with the code: every "AWS rule N" (or "AWS rules N-M, K")
cited in src/, tests/ and scenarios/ is an entry of the list, the entries are numbered 1..N
without gaps, and every test file an entry names exists."""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
doc = (root / "docs/aws-behaviours.md").read_text()
numbers = [int(m) for m in re.findall(r"^\| (\d+) \|", doc, re.M)]
problems = []
if numbers != list(range(1, len(numbers) + 1)):
    problems.append(f"entries are not numbered 1..{len(numbers)} in order: {numbers}")
known = set(numbers)

cited = {}
for folder in ("src", "tests", "scenarios"):
    for f in sorted((root / folder).rglob("*")):
        if not f.is_file() or f.suffix not in (".cpp", ".h", ".sh", ".yaml", ".py"):
            continue
        text = f.read_text(errors="replace")
        for m in re.finditer(r"AWS rules? ((?:\d+(?:\s*-\s*\d+)?(?:,\s*|\s+and\s+)?)+)", text):
            for part in re.findall(r"\d+(?:\s*-\s*\d+)?", m.group(1)):
                lo, _, hi = part.partition("-")
                for n in range(int(lo), int(hi or lo) + 1):
                    cited.setdefault(n, f"{f.relative_to(root)}:{text[:m.start()].count(chr(10)) + 1}")
for n, where in sorted(cited.items()):
    if n not in known:
        problems.append(f"{where} cites AWS rule {n}, which docs/aws-behaviours.md does not list")

for name in sorted(set(re.findall(r"`(test_[a-z0-9_]+\.(?:sh|cpp))`", doc))):
    folder = "tests/integration" if name.endswith(".sh") else "tests/unit"
    if not (root / folder / name).exists():
        problems.append(f"docs/aws-behaviours.md names {folder}/{name}, which does not exist")

for p in problems:
    print(p)
print(f"aws behaviours: {len(numbers)} entries, {len(cited)} numbers cited, {len(problems)} problems")
sys.exit(1 if problems else 0)
