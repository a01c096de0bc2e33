"""Validates example payloads against the schemas of the backends' OpenAPI documents.

Run by adapters/tests/openapi/examples.rs (with tests/clients/.venv's Python, where
openapi-spec-validator brings openapi-schema-validator): the hand-written fixtures under
adapters/fixtures/ are the payloads the adapters read and send, and the sandbox's answers are
what the simulators serve, so each must match the schema of the operation it stands for, or the
documents describe something the two sides do not speak.

Usage: python examples.py MANIFEST.json, where the manifest is a list of
{"label", "document" (a file), "pointer" (a JSON pointer to a schema in it), "instance" (a JSON
value), "valid" (what validation must say)}. Prints each mismatch; exits 1 if there is any.
"""

import json
import sys

from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def validator(document_path, pointer, documents):
    """A validator of the schema at `pointer` in the document, its references resolved in it."""
    uri = "urn:supportgraph:" + document_path
    if uri not in documents:
        with open(document_path, encoding="utf-8") as file:
            documents[uri] = json.load(file)
    registry = Registry().with_resource(
        uri, Resource.from_contents(documents[uri], default_specification=DRAFT202012)
    )
    schema = {"$ref": uri + "#" + pointer}
    return OAS31Validator(schema, registry=registry, format_checker=oas31_format_checker)


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        manifest = json.load(file)
    documents = {}
    failures = 0
    for example in manifest:
        check = validator(example["document"], example["pointer"], documents)
        errors = [error.message for error in check.iter_errors(example["instance"])]
        if bool(errors) == example["valid"]:
            failures += 1
            said = "; ".join(errors[:3]) if errors else "it validated"
            print(f"{example['label']}: expected valid={example['valid']}, but {said}")
    print(f"{len(manifest)} examples checked, {failures} wrong")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
