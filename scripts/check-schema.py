#!/usr/bin/env python3
"""Checks docs/scenario.schema.json against the project: every scenario file in scenarios/ and
tests/ validates against it, and the schema and the parser (src/scenario/*.cpp, the key lists
its each_key calls accept) name the same keys. Exit 77 (skipped) without python3-jsonschema."""
import json
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"skipped: {e} (apt-get install python3-jsonschema python3-yaml)")
    sys.exit(77)

schema = json.loads((root / "docs/scenario.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failed = 0
files = sorted(list((root / "scenarios").glob("*.yaml")) + list((root / "tests").rglob("*.yaml")))
for f in files:
    doc = yaml.safe_load(f.read_text())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print(f"{f.relative_to(root)}: {'/'.join(map(str, e.path))}: {e.message}")
    failed += bool(errors)
print(f"schema: {len(files) - failed} of {len(files)} scenario files valid")

# Keys the parser accepts: the brace lists of its each_key calls; peer_key is source or destination.
src = "".join(p.read_text() for p in sorted((root / "src/scenario").glob("*.cpp")))
parser_keys = set()
for m in re.finditer(r"each_key\(", src):
    call = src[m.start():m.start() + 600]
    brace = call.find("{")
    close = call.find("}", brace)
    if brace < 0 or close < 0 or call.find(";") < brace:
        continue
    parser_keys |= set(re.findall(r'"(\w+)"', call[brace:close]))
    if "peer_key" in call[brace:close]:
        parser_keys |= {"source", "destination"}

schema_keys = set()
def walk(node):
    if isinstance(node, dict):
        schema_keys.update(node.get("properties", {}).keys())
        for v in node.values():
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
walk(schema)
only_parser = sorted(parser_keys - schema_keys)
only_schema = sorted(schema_keys - parser_keys)
if only_parser:
    print("keys the parser accepts but the schema lacks:", ", ".join(only_parser))
if only_schema:
    print("keys in the schema that the parser refuses:", ", ".join(only_schema))
print(f"keys: parser {len(parser_keys)}, schema {len(schema_keys)}")
sys.exit(1 if failed or only_parser or only_schema else 0)
