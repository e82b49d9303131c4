"""The OpenAPI 3.1 document of the leads API, served at GET /api/openapi.json (no token).

The leads API's response schemas come from the pydantic models that also build the JSON
(bot.leads.views), and its query parameters from the model that parses them
(bot.web.params); the rest is written next to the routes it describes. tests/web runs
schemathesis against it, so a route or a response shape that drifts fails the tests.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web

from bot.leads.repository import MAX_PAGE_SIZE
from bot.leads.views import response_schemas
from bot.web.params import EMAIL_SCHEMA, query_parameters

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
    # The leads API's responses: derived from the pydantic models (bot.leads.views).
    **response_schemas("#/components/schemas/"),
    # handoff (issue 12): the outbox API
    "OutboxMessage": _object(
        {
            "id": {"type": "integer"},
            "event": {"type": "string"},
            "event_id": _TEXT,
            "channel": {"type": "string"},
            "lead_id": _TEXT,
            "status": {"enum": ["pending", "sent", "failed", "dead"]},
            "attempts": {"type": "integer", "minimum": 0},
            "last_error": _TEXT,
            "idempotency_key": {"type": "string"},
            "created_at": _DATE_TIME,
            "next_attempt_at": _DATE_TIME,
            "delivered_at": {**_maybe("string"), "format": "date-time"},
        }
    ),
    "OutboxPage": _object(
        {
            "items": {"type": "array", "items": _ref("OutboxMessage")},
            "total": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "offset": {"type": "integer", "minimum": 0},
        }
    ),
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
    "QuarantineEntry": _object(
        {
            "file": {"type": "string", "description": "The entry's file in the quarantine."},
            "conversation_id": _maybe("string", description="None for an unreadable file."),
            "reason": {"type": "string", "description": "Error class and SQLSTATE."},
            "quarantined_at": {"type": "string"},
        }
    ),
    "Quarantine": _object(
        {
            "items": {"type": "array", "items": _ref("QuarantineEntry")},
            "total": {"type": "integer", "minimum": 0},
        },
        description="Leads the database refused for their content, kept on disk.",
    ),
    "RepMessage": _object(
        {
            "message": _object(
                {
                    "id": {"type": "string"},
                    "sender": {"enum": ["agent"]},
                    "text": {"type": "string"},
                    "rep": {"type": "string"},
                },
                description="The message as the widget shows it (`kind: notice` for joins).",
            )
        }
    ),
    "Health": {
        "type": "object",
        "required": ["status", "database"],
        "properties": {"status": {"enum": ["ok", "degraded"]}, "database": {"type": "string"}},
    },
    "Readiness": {
        "type": "object",
        "required": ["status", "database", "quarantined_leads"],
        "properties": {
            "status": {"enum": ["ok", "degraded"]},
            "database": {"type": "string"},
            "quarantined_leads": {
                "type": "integer",
                "minimum": 0,
                "description": "Leads the database refused, waiting for a person.",
            },
        },
        "additionalProperties": {
            "type": "string",
            "description": "One more part checked: `action_server`, `rasa <url>`: ok or why not.",
        },
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
    "Conflict": _json(_ERROR, "The conversation must be claimed first."),
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


PARAMETERS: dict[str, Schema] = {
    # The leads list's filters: derived from the model that parses them.
    **query_parameters(),
    "person_email": {
        "name": "email",
        "in": "path",
        "required": True,
        "schema": EMAIL_SCHEMA,
        "description": "The person's email address (any spelling of the mailbox).",
    },
}
_FILTERS = [
    {"$ref": f"#/components/parameters/{name}"}
    for name in ("conversation_id", "email", "route", "grade", "since")
]
_PAGING = [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}]


def _errors(*codes: str) -> dict[str, Schema]:
    names = {
        "400": "BadRequest",
        "401": "Unauthorized",
        "404": "NotFound",
        "409": "Conflict",
        "503": "Unavailable",
    }
    return {code: {"$ref": f"#/components/responses/{names[code]}"} for code in codes}


def _takeover(operation_id: str, summary: str, body: dict[str, Schema], *codes: str) -> Schema:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [
                {
                    "name": "conversation_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "The widget conversation's id (`v` and 32 hex digits).",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _object(body)}},
            },
            "responses": {
                "200": _json(_ref("RepMessage"), "What the visitor now sees."),
                **_errors("400", "401", "404", *codes, "503"),
            },
        }
    }


_REP = {"rep": {"type": "string", "minLength": 1, "maxLength": 80, "description": "Shown."}}
_TOKEN: Schema = {
    "name": "token", "in": "path", "required": True, "schema": {"type": "string"},
    "description": "The signed token of the email's unsubscribe link.",
}  # fmt: skip
_HTML_PAGE: Schema = {"description": "A small page.", "content": {"text/html": {"schema": {}}}}
_HTML: Schema = {
    "description": "An HTML page.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}

PATHS: dict[str, Schema] = {
    "/api/conversations/{conversation_id}/claim": _takeover(
        "claimConversation", "A rep takes the conversation over: the bot goes silent", _REP
    ),
    "/api/conversations/{conversation_id}/release": _takeover(
        "releaseConversation", "The rep hands the conversation back to the bot", _REP
    ),
    "/api/conversations/{conversation_id}/messages": _takeover(
        "postRepMessage",
        "The rep's message, shown in the visitor's widget with the rep's name",
        {**_REP, "text": {"type": "string", "minLength": 1, "maxLength": 4000}},
        "409",
    ),
    "/api/leads": {
        "get": {
            "operationId": "listLeads",
            "summary": "List leads, newest first",
            "parameters": [*_FILTERS, *_PAGING],
            "responses": {
                "200": {
                    **_json(_ref("LeadPage"), "One page of leads and the total matching."),
                    "links": {
                        "GetFirstLead": {
                            "operationId": "getLead",
                            "parameters": {"id": "$response.body#/items/0/id"},
                        }
                    },
                },
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
                "200": {
                    **_json(_ref("LeadDetail"), "The lead."),
                    "links": {
                        "ExportThePerson": {
                            "operationId": "exportPerson",
                            "parameters": {"email": "$response.body#/email"},
                        },
                        "ListByConversation": {
                            "operationId": "listLeads",
                            "parameters": {"conversation_id": "$response.body#/conversations/0/id"},
                        },
                    },
                },
                **_errors("401", "404", "503"),
            },
        }
    },
    "/api/quarantine": {
        "get": {
            "operationId": "listQuarantine",
            "summary": "Leads the database refused for their content (dead letters)",
            "description": "Where and why, never the lead's personal data.",
            "responses": {
                "200": _json(_ref("Quarantine"), "Every quarantined lead."),
                **_errors("400", "401"),
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
    # -- handoff (issue 12): the outbox for operators, the visitor's booking page ---------
    "/api/outbox": {
        "get": {
            "operationId": "listOutbox",
            "summary": "Notifications by delivery status (default: failed, i.e. retrying or dead)",
            "parameters": [
                _query(
                    "status",
                    {"enum": ["failed", "dead", "pending", "sent"]},
                    "failed: not delivered yet after at least one try (retrying or dead).",
                ),
                *_PAGING,
            ],
            "responses": {
                "200": _json(_ref("OutboxPage"), "Newest first, with the last error."),
                **_errors("400", "401", "503"),
            },
        }
    },
    "/api/outbox/{id}/retry": {
        "post": {
            "operationId": "retryOutbox",
            "summary": "Send a failed or dead notification again (same idempotency key)",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json(_ref("OutboxMessage"), "Queued again."),
                "409": _json(_ERROR, "Not failed: pending or already delivered."),
                **_errors("401", "404", "503"),
            },
        }
    },
    "/booking/{token}": {
        "get": {
            "operationId": "bookingPage",
            "summary": "The visitor's page for a booked call (signed link from the invite)",
            "security": [],
            "parameters": [_TOKEN],
            "responses": {"200": _HTML, "404": _HTML},
        }
    },
    "/booking/{token}/cancel": {
        "post": {
            "operationId": "cancelBooking",
            "summary": "Cancel the call (the rep is told)",
            "security": [],
            "parameters": [_TOKEN],
            "responses": {"200": _HTML, "404": _HTML},
        }
    },
    "/booking/{token}/reschedule": {
        "post": {
            "operationId": "rescheduleBooking",
            "summary": "Move the call to another free slot (the rep is told)",
            "security": [],
            "parameters": [_TOKEN],
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {"start": {"type": "string", "format": "date-time"}},
                        }
                    }
                }
            },
            "responses": {
                "303": {"description": "Moved: see the new booking page."},
                "400": _HTML,
                "404": _HTML,
                "409": _HTML,
            },
        }
    },
    # --- nurture (bot/web/routes_nurture.py) -----------------------------------------------
    "/api/leads/{id}/nurture/stop": {
        "post": {
            "operationId": "stopNurture",
            "summary": "Stop the lead's nurture emails (a rep is talking to them)",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"reason": {"type": "string", "maxLength": 200}},
                            "additionalProperties": False,
                        }
                    }
                },
            },
            "responses": {
                "200": _json(
                    _object({"stopped": {"type": "integer", "minimum": 0}}),
                    "How many active sequences were stopped.",
                ),
                **_errors("400", "401", "404", "503"),
            },
        }
    },
    "/api/nurture/bounces": {
        "post": {
            "operationId": "nurtureBounces",
            "summary": "Bounce and complaint webhook (SES, Postmark, SendGrid, Mailgun shapes)",
            "description": (
                "Signed: `X-Leadbot-Signature: sha256=<hex HMAC-SHA256 of the body with "
                "LEADBOT_WEBHOOK_SECRET>`. Hard bounces and complaints suppress the address."
            ),
            "security": [],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {}}},
            },
            "responses": {
                "200": _json(
                    _object({"suppressed": {"type": "integer", "minimum": 0}}),
                    "Addresses put on the suppression list.",
                ),
                "400": _json(_ERROR, "Not JSON."),
                "401": _json(_ERROR, "Missing or wrong signature."),
                "403": _json(_ERROR, "Webhooks are disabled (no LEADBOT_WEBHOOK_SECRET)."),
                "503": {"$ref": "#/components/responses/Unavailable"},
            },
        }
    },
    "/api/nurture/inbound": {
        "post": {
            "operationId": "nurtureInbound",
            "summary": "Inbound-mail webhook: a reply stops the sender's sequences",
            "description": "Signed like the bounce webhook. JSON (Postmark) or form fields.",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {}}},
            },
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["action"],
                        "properties": {
                            "action": {"enum": ["stopped", "unsubscribed"]},
                            "sequences": {"type": "integer"},
                        },
                    },
                    "What the email did.",
                ),
                "400": _json(_ERROR, "No sender address in the payload."),
                "401": _json(_ERROR, "Missing or wrong signature."),
                "403": _json(_ERROR, "Webhooks are disabled (no LEADBOT_WEBHOOK_SECRET)."),
                "503": {"$ref": "#/components/responses/Unavailable"},
            },
        }
    },
    "/nurture/unsubscribe/{token}": {
        "get": {
            "operationId": "unsubscribePage",
            "summary": "Unsubscribe confirm page (changes nothing: link scanners are harmless)",
            "security": [],
            "parameters": [_TOKEN],
            "responses": {"200": _HTML_PAGE, "404": _HTML_PAGE},
        },
        "post": {
            "operationId": "unsubscribe",
            "summary": "RFC 8058 one-click unsubscribe, or the confirm page's buttons",
            "security": [],
            "parameters": [_TOKEN],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "List-Unsubscribe": {"const": "One-Click"},
                                "scope": {"enum": ["sequence", "all"]},
                            },
                        }
                    }
                },
            },
            "responses": {"200": _HTML_PAGE, "400": _HTML_PAGE, "404": _HTML_PAGE},
        },
    },
    # --- end of nurture -----------------------------------------------------------------
    "/api/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
        }
    },
    "/readyz": {
        "get": {
            "operationId": "readiness",
            "summary": "Readiness: Rasa, the action server, the database; the quarantine count",
            "security": [],
            "responses": {
                "200": _json(_ref("Readiness"), "Ready."),
                "503": _json(
                    _ref("Readiness"), "A part (database, Rasa, actions) is not answering."
                ),
            },
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


# Served, but not the JSON API: the widget, the demo page and the socket.io endpoint.
NOT_API_ROUTES = frozenset({"/", "/widget.js", "/socket.io/"})


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
