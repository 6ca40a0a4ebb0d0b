"""The catalogue of amount-bearing clauses: `load_catalogue().get("jgx2024-9.2.1")`."""
from policies.catalogue.loader import Catalogue, catalogue_schema, load_catalogue
from policies.catalogue.models import (
    Cap,
    Citation,
    Clause,
    CostSharing,
    DepartmentRef,
    DocumentInfo,
    ExclusivityGroup,
    ExclusivityMember,
)
from policies.errors import UnknownClause

__all__ = [
    "Cap", "Catalogue", "Citation", "Clause", "CostSharing", "DepartmentRef", "DocumentInfo",
    "ExclusivityGroup", "ExclusivityMember", "UnknownClause", "catalogue_schema", "load_catalogue",
]
