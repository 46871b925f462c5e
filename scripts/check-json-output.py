#!/usr/bin/env python3
"""Validates vpcemu's --format json output against its documented schema (docs/json/VERB.schema.json).

    check-json-output.py VERB [FILE]     # FILE, or standard input

Exit 0 when valid, 1 with every violation (path: message) when not, 77 (skipped) without
python3-jsonschema."""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
try:
    import jsonschema
except ImportError as e:
    print(f"skipped: {e} (apt-get install python3-jsonschema)")
    sys.exit(77)

if len(sys.argv) not in (2, 3):
    sys.exit(__doc__)
verb = sys.argv[1]
schema = json.loads((root / "docs/json" / f"{verb}.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
text = open(sys.argv[2]).read() if len(sys.argv) == 3 else sys.stdin.read()
try:
    doc = json.loads(text)
except json.JSONDecodeError as e:
    print(f"{verb}: not JSON ({e}): {text[:200]!r}")
    sys.exit(1)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print(f"{verb}: /{'/'.join(map(str, e.path))}: {e.message[:300]}")
sys.exit(1 if errors else 0)
