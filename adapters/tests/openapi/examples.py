"""Validates example payloads against the schemas of the backends' OpenAPI documents.

Run by adapters/tests/openapi/examples.rs (with tests/clients/.venv's Python, where
openapi-spec-validator brings openapi-schema-validator): the hand-written fixtures under
adapters/fixtures/ are the payloads the adapters read and send, and the sandbox's answers are
what the simulators serve, so each must match the schema of the operation it stands for, or the
documents describe something the two sides do not speak.

An XML payload (the European Services Assistant's) is read by the schema's `xml` rules: the root
element is named after the schema, an attribute is the property whose `xml.attribute` names it,
a child element the property of its name (an array property is the element repeated), text the
`$text` property. An element, attribute or text the schema has no place for is a mismatch; the
JSON value so read is then validated like any other, which checks required names, types, enums
and patterns.

Usage: python examples.py MANIFEST.json, where the manifest is a list of
{"label", "document" (a file), "pointer" (a JSON pointer to a schema in it), "instance" (a JSON
value) or "xml" (a document's text), "valid" (what validation must say)}. Prints each mismatch;
exits 1 if there is any.
"""

import json
import re
import sys
import xml.etree.ElementTree as ElementTree

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


def lookup(document, pointer):
    """The value at a JSON pointer (`/a/b`, or `#/a/b`) in the document."""
    value = document
    for token in pointer.lstrip("#").split("/")[1:]:
        value = value[token.replace("~1", "/").replace("~0", "~")]
    return value


def resolve(schema, document):
    """The schema a property stands for: references followed, `oneOf: [X, null]` read as X."""
    while True:
        if "$ref" in schema:
            schema = lookup(document, schema["$ref"])
        elif "oneOf" in schema:
            others = [s for s in schema["oneOf"] if s.get("type") != "null"]
            if len(others) != 1:
                raise ValueError(f"no XML reading of a oneOf of {len(others)} schemas")
            schema = others[0]
        else:
            return schema


def types(schema):
    """The JSON types the schema allows."""
    kind = schema.get("type", [])
    return kind if isinstance(kind, list) else [kind]


def scalar(text, schema):
    """An attribute's or a text element's value, as the type its schema expects if it is written
    as one (XML Schema's lexical forms); otherwise the text, which the validator then refuses."""
    forms = (
        ("integer", r"[+-]?\d+", int),
        ("number", r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", float),
        ("boolean", r"true|false|1|0", lambda t: t in ("true", "1")),
    )
    for kind, form, read in forms:
        if kind in types(schema) and re.fullmatch(form, text):
            return read(text)
    return text


def element_name(key, schema):
    """The name of the element (or attribute) a property is written as."""
    return schema.get("xml", {}).get("name", key)


def read_element(element, schema, document, where, problems):
    """The JSON value `element` stands for by `schema`; what has no place in it goes to problems."""
    schema = resolve(schema, document)
    text = (element.text or "").strip()
    if "object" not in types(schema):
        if len(element) or element.attrib:
            problems.append(f"{where}: children or attributes in a value")
        return scalar(text, schema)
    properties = {key: resolve(p, document) for key, p in schema.get("properties", {}).items()}
    declared = schema.get("properties", {})
    attributes = {
        element_name(key, declared[key]): key
        for key in declared
        if declared[key].get("xml", {}).get("attribute")
    }
    children = {
        element_name(key, declared[key]): key
        for key in declared
        if not declared[key].get("xml", {}).get("attribute") and key != "$text"
    }
    value = {}
    for name, text_value in element.attrib.items():
        if name not in attributes:
            problems.append(f"{where}: unknown attribute {name}")
        else:
            value[attributes[name]] = scalar(text_value, properties[attributes[name]])
    if "$text" in properties:
        value["$text"] = scalar(text, properties["$text"])
    elif text or any((child.tail or "").strip() for child in element):
        problems.append(f"{where}: text where the schema has none")
    for child in element:
        key = children.get(child.tag)
        if key is None:
            problems.append(f"{where}: unknown element <{child.tag}>")
            continue
        if properties[key].get("xml", {}).get("wrapped"):
            raise ValueError(f"{where}/{child.tag}: wrapped arrays are not read")
        inside = f"{where}/{child.tag}"
        if "array" in types(properties[key]):
            items = properties[key]["items"]
            value.setdefault(key, []).append(read_element(child, items, document, inside, problems))
        elif key in value:
            problems.append(f"{inside}: repeated")
        else:
            value[key] = read_element(child, properties[key], document, inside, problems)
    return value


def read_xml(text, document, pointer):
    """The JSON value an XML document stands for by the schema at `pointer`, and the problems
    found reading it."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        return None, [f"not XML: {error}"]
    schema = lookup(document, pointer)
    expected = schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else None
    expected = resolve(schema, document).get("xml", {}).get("name", expected)
    if root.tag != expected:
        return None, [f"root <{root.tag}>, the schema's is <{expected}>"]
    problems = []
    return read_element(root, schema, document, root.tag, problems), problems


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        manifest = json.load(file)
    documents = {}
    failures = 0
    for example in manifest:
        check = validator(example["document"], example["pointer"], documents)
        if "xml" in example:
            document = documents["urn:supportgraph:" + example["document"]]
            instance, errors = read_xml(example["xml"], document, example["pointer"])
        else:
            instance, errors = example["instance"], []
        if not errors:
            errors = [error.message for error in check.iter_errors(instance)]
        if bool(errors) == example["valid"]:
            failures += 1
            said = "; ".join(errors[:3]) if errors else "it validated"
            print(f"{example['label']}: expected valid={example['valid']}, but {said}")
    print(f"{len(manifest)} examples checked, {failures} wrong")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
