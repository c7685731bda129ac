"""Validates profile files against a JSON Schema: `schema_check.py SCHEMA FILE...`.

YAML timestamps stay strings, as reglament reads them."""
import json
import sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    pass


Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in Loader.yaml_implicit_resolvers.items()
}

schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema)
failed = 0
for path in sys.argv[2:]:
    text = open(path, encoding="utf-8").read()
    data = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=Loader)
    for error in validator.iter_errors(data):
        print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        failed += 1
sys.exit(1 if failed else 0)
