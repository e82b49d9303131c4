"""The leads API: list (JSON and CSV) and one lead in detail. Bearer token: middlewares."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from bot.leads.repository import MAX_PAGE_SIZE
from bot.leads.service import lead_detail, list_leads
from bot.leads.views import csv_columns
from bot.web import params
from bot.web.keys import SERVICES
from bot.web.responses import json_error

routes = web.RouteTableDef()

# (column, path into the lead's API dict): the fields marked Csv(...) in bot.leads.views.
CSV_COLUMNS = csv_columns()
# A cell starting with one of these is a formula to spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@routes.get("/api/leads", name="leads")
async def get_leads(request: web.Request) -> web.Response:
    filters = params.lead_filter(request.query)
    page = await list_leads(request.app[SERVICES].uow(), filters)
    return web.json_response(
        {"items": page.items, "total": page.total, "limit": page.limit, "offset": page.offset}
    )


@routes.get("/api/leads.csv", name="leads_csv")
async def get_leads_csv(request: web.Request) -> web.StreamResponse:
    """The same filters; without `limit`, every matching lead (fetched a page at a time)."""
    limited = params.limit_given(request.query)
    filters = params.lead_filter(request.query, default_limit=MAX_PAGE_SIZE)
    uow = request.app[SERVICES].uow
    page = await list_leads(uow(), filters)  # before answering: an outage is still a 503
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="leads-{stamp}.csv"',
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(request)
    await response.write(csv_rows([[name for name, _ in CSV_COLUMNS]]))
    while True:
        await response.write(csv_rows(csv_row(lead) for lead in page.items))
        if limited or len(page.items) < filters.limit:
            break
        filters = replace(filters, offset=filters.offset + filters.limit)
        page = await list_leads(uow(), filters)
    await response.write_eof()
    return response


@routes.get("/api/leads/{id}", name="lead")
async def get_lead(request: web.Request) -> web.Response:
    params.only(request.query)
    lead_id = request.match_info["id"]
    if len(lead_id) > params.MAX_ID_LENGTH or "\x00" in lead_id:
        return json_error(404, "no such lead")
    lead = await lead_detail(request.app[SERVICES].uow(), lead_id)
    if lead is None:
        return json_error(404, "no such lead")
    return web.json_response(lead)


@routes.get("/api/quarantine", name="quarantine")
async def get_quarantine(request: web.Request) -> web.Response:
    """Leads the database refused for their content, kept on disk (bot.leads.quarantine):
    where and why, never the lead's personal data."""
    params.only(request.query)
    quarantine = request.app[SERVICES].spool.quarantine
    entries = await asyncio.to_thread(quarantine.entries)
    return web.json_response(
        {"items": [dataclasses.asdict(entry) for entry in entries], "total": len(entries)}
    )


def csv_row(lead: dict[str, Any]) -> list[Any]:
    row = []
    for _, path in CSV_COLUMNS:
        value: Any = lead
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        row.append(csv_cell(value))
    return row


def csv_cell(value: Any) -> Any:
    """A cell spreadsheets show as text: formulas are defused with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_rows(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")
