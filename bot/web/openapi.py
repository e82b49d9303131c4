"""The OpenAPI 3.1 document of the leads API, served at GET /api/openapi.json (no token).

Written by hand next to the routes it describes; tests/web runs schemathesis against it, so
a route or a response shape that drifts from this document fails the tests.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web

from bot.leads.keys import MAX_EMAIL_LENGTH
from bot.leads.repository import MAX_PAGE_SIZE
from bot.leads.service import SOURCE_FIELDS
from bot.web.params import DEFAULT_PAGE_SIZE, GRADE_PATTERN, MAX_ID_LENGTH, MAX_OFFSET, ROUTES

routes = web.RouteTableDef()

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _maybe(kind: str, **extra: Any) -> Schema:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict[str, Schema], *, description: str | None = None) -> Schema:
    schema: Schema = {"type": "object", "required": list(properties), "properties": properties}
    if description:
        schema["description"] = description
    return schema


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_TEXT = _maybe("string")
_DATE_TIME = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Schema] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "What went wrong, for people."},
            "parameter": {"type": "string", "description": "The parameter at fault (400)."},
            "request_id": {"type": "string", "description": "Quote it when reporting a 5xx."},
        },
    },
    "Budget": _object(
        {
            "amount": _maybe("number", description="The said figure (low end of a range)."),
            "amount_max": _maybe("number", description="The high end of a range."),
            "currency": _maybe("string", description="ISO 4217 code."),
            "period": {"enum": ["year", "month", "one_time", None]},
            "status": {"enum": ["amount", "none", "unknown", None]},
            "raw": _maybe("string", description="The visitor's own words."),
        }
    ),
    "Authority": _object(
        {
            "decision_maker": _maybe("boolean"),
            "role": _TEXT,
            "level": {"enum": ["decision_maker", "influencer", "none", "unknown", None]},
            "raw": _TEXT,
        }
    ),
    "Need": _object(
        {
            "summary": _TEXT,
            "level": {"enum": ["concrete", "vague", "none", "unknown", None]},
            "raw": _TEXT,
        }
    ),
    "Timeline": _object(
        {
            "months": _maybe("number", description="Months from the conversation; 0 is now."),
            "status": {"enum": ["date", "none", "unknown", None]},
            "raw": _TEXT,
        }
    ),
    "Source": _object(
        dict.fromkeys(SOURCE_FIELDS, _TEXT),
        description="First touch: the page and campaign the person first came from.",
    ),
    "BreakdownItem": {
        "type": "object",
        "description": "Points for one BANT criterion, the rule that gave them, the evidence.",
        "properties": {
            "criterion": {"type": "string"},
            "points": {"type": "integer"},
            "max": {"type": "integer"},
            "rule": {"type": "string"},
            "label": {"type": "string"},
            "evidence": _TEXT,
        },
    },
    "Lead": _object(
        {
            "id": {"type": "string"},
            "email": _TEXT,
            "email_status": {"enum": ["ok", "free", None]},
            "name": _TEXT,
            "company": _TEXT,
            "status": {"type": "string"},
            "human_requested": {
                "type": "boolean",
                "description": "The visitor asked to talk to a person.",
            },
            "budget": _ref("Budget"),
            "authority": _ref("Authority"),
            "need": _ref("Need"),
            "timeline": _ref("Timeline"),
            "score": _maybe("integer", minimum=0, maximum=100),
            "grade": _TEXT,
            "route": {"enum": [*ROUTES, None]},
            "rubric_version": _maybe("integer"),
            "breakdown": {"type": "array", "items": _ref("BreakdownItem")},
            "meeting": _maybe("object", description="The meeting booked, if any."),
            "nurture": _maybe("object", description="The nurture sequence's state, if any."),
            "source": _ref("Source"),
            "time_zone": _TEXT,
            "created_at": _DATE_TIME,
            "updated_at": _DATE_TIME,
        }
    ),
    "LeadPage": _object(
        {
            "items": {"type": "array", "items": _ref("Lead")},
            "total": {"type": "integer", "minimum": 0, "description": "All matching leads."},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "offset": {"type": "integer", "minimum": 0},
        }
    ),
    "TranscriptMessage": _object(
        {
            "seq": {"type": "integer"},
            "sender": {"enum": ["visitor", "bot", "agent"]},
            "text": {"type": "string"},
            "at": _DATE_TIME,
        }
    ),
    "Conversation": _object(
        {
            "id": {"type": "string", "description": "Rasa's sender id."},
            "started_at": _DATE_TIME,
            "last_seen_at": _DATE_TIME,
            "source": _ref("Source"),
            "metadata": {"type": "object"},
            "transcript": {"type": "array", "items": _ref("TranscriptMessage")},
        }
    ),
    "ScoreHistoryEntry": _object(
        {
            "at": _DATE_TIME,
            "conversation_id": _TEXT,
            "score": {"type": "integer"},
            "grade": {"type": "string"},
            "route": {"enum": list(ROUTES)},
            "rubric_version": {"type": "integer"},
            "breakdown": {"type": "array", "items": _ref("BreakdownItem")},
        }
    ),
    "LeadDetail": {
        "allOf": [
            _ref("Lead"),
            _object(
                {
                    "score_history": {"type": "array", "items": _ref("ScoreHistoryEntry")},
                    "conversations": {"type": "array", "items": _ref("Conversation")},
                }
            ),
        ]
    },
    "PersonExport": _object(
        {
            "email_key": {"type": "string"},
            "exported_at": _DATE_TIME,
            **{
                name: {"type": "array", "items": {"type": "object"}}
                for name in ("leads", "conversations", "score_history", "consents", "outbox")
            },
        },
        description="Every stored row about the person, column by column.",
    ),
    "ErasureReport": _object(
        {
            "email_key": {"type": "string"},
            "lead_ids": {"type": "array", "items": {"type": "string"}},
            "conversation_ids": {"type": "array", "items": {"type": "string"}},
            "deleted": _object(
                {
                    "lead_store": {
                        "type": "object",
                        "description": "Rows deleted per lead store table.",
                        "additionalProperties": {"type": "integer", "minimum": 0},
                    },
                    "rasa_tracker_store": _object({"events": {"type": "integer", "minimum": 0}}),
                    "spool_files": {"type": "integer", "minimum": 0},
                }
            ),
        }
    ),
    "Health": {
        "type": "object",
        "required": ["status", "database"],
        "properties": {"status": {"enum": ["ok", "degraded"]}, "database": {"type": "string"}},
    },
}

_ERROR = _ref("Error")
RESPONSES: dict[str, Schema] = {
    "BadRequest": _json(_ERROR, "A parameter is wrong; `parameter` names it."),
    "Unauthorized": {
        **_json(_ERROR, "No bearer token, or not the right one."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "NotFound": _json(_ERROR, "Nothing stored under this key."),
    "Unavailable": _json(
        _ERROR,
        "The database is unavailable, or the API is disabled because LEADBOT_API_TOKEN is not set.",
    ),
}


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


_EMAIL_SCHEMA: Schema = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_EMAIL_LENGTH,
    "pattern": "^[^\\x00]*@[^\\x00]*$",
}
PARAMETERS: dict[str, Schema] = {
    "conversation_id": _query(
        "conversation_id",
        {"type": "string", "maxLength": MAX_ID_LENGTH, "pattern": "^[^\\x00]*$"},
        "Only the lead this conversation (Rasa sender id) belongs to.",
    ),
    "email": _query(
        "email", _EMAIL_SCHEMA, "Only the lead with this mailbox (any spelling: case, +tags)."
    ),
    "route": _query("route", {"enum": list(ROUTES)}, "Only leads on this route."),
    "grade": _query(
        "grade", {"type": "string", "pattern": GRADE_PATTERN}, "Only leads with this grade."
    ),
    "since": _query(
        "since",
        {"type": "string", "format": "date-time"},
        "Only leads updated at or after this ISO 8601 time (UTC when it has no offset).",
    ),
    "limit": _query(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
        "Page size.",
    ),
    "offset": _query(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        "Leads to skip (newest first).",
    ),
    "person_email": {
        "name": "email",
        "in": "path",
        "required": True,
        "schema": _EMAIL_SCHEMA,
        "description": "The person's email address (any spelling of the mailbox).",
    },
}
_FILTERS = [
    {"$ref": f"#/components/parameters/{name}"}
    for name in ("conversation_id", "email", "route", "grade", "since")
]
_PAGING = [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}]


def _errors(*codes: str) -> dict[str, Schema]:
    names = {"400": "BadRequest", "401": "Unauthorized", "404": "NotFound", "503": "Unavailable"}
    return {code: {"$ref": f"#/components/responses/{names[code]}"} for code in codes}


PATHS: dict[str, Schema] = {
    "/api/leads": {
        "get": {
            "operationId": "listLeads",
            "summary": "List leads, newest first",
            "parameters": [*_FILTERS, *_PAGING],
            "responses": {
                "200": _json(_ref("LeadPage"), "One page of leads and the total matching."),
                **_errors("400", "401", "503"),
            },
        }
    },
    "/api/leads.csv": {
        "get": {
            "operationId": "exportLeadsCsv",
            "summary": "Leads as CSV (every matching lead unless `limit` is given)",
            "description": "Cells a spreadsheet would read as a formula start with a quote.",
            "parameters": [
                *_FILTERS,
                _query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                    "At most this many leads (default: all).",
                ),
                {"$ref": "#/components/parameters/offset"},
            ],
            "responses": {
                "200": {
                    "description": "A CSV file with a header row.",
                    "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **_errors("400", "401", "503"),
            },
        }
    },
    "/api/leads/{id}": {
        "get": {
            "operationId": "getLead",
            "summary": "One lead with its score history and transcripts",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json(_ref("LeadDetail"), "The lead."),
                **_errors("401", "404", "503"),
            },
        }
    },
    "/api/people/{email}/export": {
        "get": {
            "operationId": "exportPerson",
            "summary": "Everything stored about a person (GDPR access)",
            "parameters": [{"$ref": "#/components/parameters/person_email"}],
            "responses": {
                "200": _json(_ref("PersonExport"), "The person's data."),
                **_errors("400", "401", "404", "503"),
            },
        }
    },
    "/api/people/{email}": {
        "delete": {
            "operationId": "erasePerson",
            "summary": "Erase a person everywhere (GDPR erasure)",
            "description": (
                "Deletes the person's lead, conversations, transcripts, scores, consents and "
                "outbox messages, their conversations' events in Rasa's tracker store, and "
                "their spooled leads. Idempotent: an unknown person gives zero counts."
            ),
            "parameters": [{"$ref": "#/components/parameters/person_email"}],
            "responses": {
                "200": _json(_ref("ErasureReport"), "What was deleted."),
                **_errors("400", "401", "503"),
            },
        }
    },
    "/api/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
        }
    },
    "/healthz": {
        "get": {
            "operationId": "health",
            "summary": "Liveness and database check",
            "security": [],
            "responses": {
                "200": _json(_ref("Health"), "Healthy."),
                "503": _json(_ref("Health"), "The database is not answering."),
            },
        }
    },
}


@cache
def openapi_document() -> Schema:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leadbot leads API",
            "version": "1",
            "description": (
                "Qualified leads, their BANT scores and transcripts; GDPR export and erasure. "
                "Send `Authorization: Bearer <LEADBOT_API_TOKEN>`."
            ),
        },
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
            "parameters": PARAMETERS,
        },
    }


@routes.get("/api/openapi.json", name="openapi")
async def get_openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())
