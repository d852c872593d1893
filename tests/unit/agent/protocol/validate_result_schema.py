"""Validates what SerializeResult produces against agent/protocol/result.schema.json with a
real JSON Schema validator (Debian's python3-jsonschema), and checks that the schema rejects
documents our parser rejects, so a drifting schema fails this test.

usage: validate_result_schema.py SCHEMA PRINT_SAMPLE_RESULTS_BINARY
"""
import copy
import json
import subprocess
import sys

import jsonschema


def main():
    schema_path, printer = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    lines = subprocess.run([printer], check=True, capture_output=True, text=True).stdout.splitlines()
    if len(lines) != 3:
        sys.exit(f"expected 3 sample results, got {len(lines)}")
    documents = [json.loads(line) for line in lines]
    for doc in documents:
        errors = list(validator.iter_errors(doc))
        if errors:
            sys.exit(f"produced result does not match the schema: {errors[0].message}\n{doc}")

    ok = documents[0]
    bad = []
    d = copy.deepcopy(ok); d["schema"] = 2; bad.append(("schema 2", d))
    d = copy.deepcopy(ok); d["status"] = "crashed"; bad.append(("unknown status", d))
    d = copy.deepcopy(ok); del d["metrics"]; bad.append(("ok without metrics", d))
    d = copy.deepcopy(ok); d["metrics"]["accuracy"] = 1.5; bad.append(("accuracy > 1", d))
    d = copy.deepcopy(ok); d["metrics"]["latency_ms"]["p50"] = -1; bad.append(("negative p50", d))
    d = copy.deepcopy(ok); d["predictions"]["digits"] = "AB"; bad.append(("uppercase digits", d))
    d = copy.deepcopy(ok); d["stamp"]["emulated"] = True; bad.append(("emulated without reason", d))
    d = copy.deepcopy(documents[2]); del d["error"]; bad.append(("failed without error", d))
    for name, doc in bad:
        if validator.is_valid(doc):
            sys.exit(f"schema accepted an invalid result ({name})")
    print(f"{len(documents)} produced results valid, {len(bad)} invalid ones rejected")


if __name__ == "__main__":
    main()
