"""The JSON API: resources under /api/v1/, the earlier public endpoints under /api/, and the
OpenAPI description generated from the same pydantic schemas that validate the requests
(spectree)."""

from flask import Blueprint
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType

from app.api.errors import validation_failed
from app.api.schemas import ErrorBody

bp = Blueprint("api", __name__, url_prefix="/api/v1")
legacy = Blueprint("legacy", __name__, url_prefix="/api")

spec = SpecTree(
    "flask",
    mode="strict",
    title="mikroporada API",
    version="1.0.0",
    description=(
        "Everything a person can do on the pages, as JSON. Authenticate with "
        "`Authorization: Bearer <key>` (keys: `flask api-keys create NAME`). Every failure "
        'answers `{"error": {"code", "message", "details"}}`.'
    ),
    page_templates={},
    # Plain model names in the description ("ErrorBody"), not names with a module hash.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda parent, child: child,
    annotations=False,
    validation_error_status=422,
    validation_error_model=ErrorBody,
    before=validation_failed,
    security_schemes=[
        SecurityScheme(
            name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer")
        ),
    ],
    security={"bearer": []},
)

from app.api import (  # noqa: E402,F401
    catalogue,
    conversations,
    docs,
    documents,
    guard,
    legacy_routes,
    renders,
)
