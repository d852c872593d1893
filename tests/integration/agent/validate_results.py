"""Validates JSON result lines (files given) against agent/protocol/result.schema.json with a
real JSON Schema validator (Debian's python3-jsonschema).

usage: validate_results.py SCHEMA RESULT_FILE...   (each file: one or more JSON lines)
"""
import json
import sys

import jsonschema


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    count = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                errors = list(validator.iter_errors(json.loads(line)))
                if errors:
                    sys.exit(f"{path}:{number}: {errors[0].json_path}: {errors[0].message}")
                count += 1
    print(f"{count} results valid")


if __name__ == "__main__":
    main()
