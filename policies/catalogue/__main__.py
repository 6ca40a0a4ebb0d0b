"""Regenerate the catalogue JSON Schema: python -m policies.catalogue > policies/data/schema/clause_document.schema.json"""
import json

from policies.catalogue.loader import catalogue_schema

print(json.dumps(catalogue_schema(), ensure_ascii=False, indent=2))
