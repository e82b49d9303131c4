"""GET /api/leads, /api/leads/{id} and /api/leads.csv over a seeded lead store."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from .conftest import AUTH, StartApp, services_of
from .seed import seed

Client = TestClient[Any, Any]


async def _seeded(
    start_app: StartApp, database_url: str | None = None
) -> tuple[Client, dict[str, str]]:
    client = await start_app(database_url)
    return client, await seed(services_of(client))


async def _list(client: Client, **query: str) -> dict[str, Any]:
    response = await client.get("/api/leads", params=query, headers=AUTH)
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


def _names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


async def test_list_shows_the_contract_shape(start_app: StartApp, database_url: str) -> None:
    client, ids = await _seeded(start_app, database_url)
    page = await _list(client)
    assert (page["total"], page["limit"], page["offset"]) == (4, 50, 0)
    # Newest first.
    assert [item["id"] for item in page["items"]] == [
        ids["dave"],
        ids["carol"],
        ids["bob"],
        ids["jane"],
    ]
    jane = page["items"][3]
    assert jane["email"] == "jane.doe@acme.io"
    assert (jane["name"], jane["company"], jane["status"]) == ("Jane Doe", "Acme", "qualified")
    assert jane["budget"] == {
        "amount": 20000.0,
        "amount_max": None,
        "currency": "EUR",
        "period": "year",
        "status": "amount",
        "raw": "about 20k EUR a year",
    }
    assert jane["authority"] == {
        "decision_maker": True,
        "role": "CTO",
        "level": "decision_maker",
        "raw": "I'm the CTO",
    }
    assert jane["need"] == {
        "summary": "after-hours lead capture",
        "level": "concrete",
        "raw": "we lose leads at night",
    }
    assert jane["timeline"] == {"months": 3.0, "status": "date", "raw": "next quarter"}
    assert (jane["score"], jane["grade"], jane["route"]) == (100, "A", "handoff")
    assert [part["criterion"] for part in jane["breakdown"]] == [
        "budget",
        "authority",
        "need",
        "timeline",
    ]
    assert jane["breakdown"][0]["evidence"] == "about 20k EUR a year"
    assert (jane["meeting"], jane["nurture"]) == (None, None)
    assert jane["source"] == {
        "page_url": "https://leadbot.example/pricing",
        "referrer": "https://www.google.com/",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "spring",
        "utm_term": None,
        "utm_content": None,
    }
    assert jane["created_at"] == "2026-03-02T09:01:00+00:00"


async def test_filters(start_app: StartApp, database_url: str) -> None:
    client, _ = await _seeded(start_app, database_url)
    assert _names(await _list(client, conversation_id="conv-dave-2")) == ["Dave Delta"]
    assert _names(await _list(client, conversation_id="conv-nobody")) == []
    # Any spelling of the mailbox finds the person.
    assert _names(await _list(client, email="JANE.DOE+chat@acme.io")) == ["Jane Doe"]
    assert _names(await _list(client, route="handoff")) == ["Dave Delta", "Jane Doe"]
    nurture = await _list(client, route="nurture")
    assert [(i["grade"], i["route"]) for i in nurture["items"]] == [
        ("D", "nurture"),
        ("C", "nurture"),
    ]
    assert _names(await _list(client, grade="B")) == ["Dave Delta"]
    assert _names(await _list(client, grade="A", route="nurture")) == []
    # `since` is about the last update: Dave came back at 09:10.
    assert _names(await _list(client, since="2026-03-02T09:03:00Z")) == [
        "Dave Delta",
        '=HYPERLINK("http://evil.example","click")',
    ]
    assert _names(await _list(client, since="2026-03-02T10:05:00+01:00")) == ["Dave Delta"]
    assert _names(await _list(client, since="2026-03-02T09:10:00.000001")) == []
    assert (await _list(client, since="2026-03-02"))["total"] == 4


async def test_pagination(start_app: StartApp, database_url: str) -> None:
    client, ids = await _seeded(start_app, database_url)
    first = await _list(client, limit="3")
    second = await _list(client, limit="3", offset="3")
    beyond = await _list(client, limit="3", offset="40")
    assert [len(p["items"]) for p in (first, second, beyond)] == [3, 1, 0]
    assert {p["total"] for p in (first, second, beyond)} == {4}
    assert (second["limit"], second["offset"]) == (3, 3)
    seen = [item["id"] for item in first["items"] + second["items"]]
    assert sorted(seen) == sorted(ids.values())
    assert len((await _list(client, limit="500"))["items"]) == 4


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "1_0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "99999999999999999999999"}, "offset"),
        ({"route": "email"}, "route"),
        ({"grade": "a"}, "grade"),
        ({"grade": "AA"}, "grade"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-30T00:00:00Z"}, "since"),
        ({"since": "2026-03-02T25:00:00Z"}, "since"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a" * 320 + "@x.io"}, "email"),
        ({"conversation_id": "x" * 256}, "conversation_id"),
        ({"conversation_id": "a\x00b"}, "conversation_id"),
    ],
)
async def test_bad_parameters_are_400_naming_them(
    start_app: StartApp, query: dict[str, str], parameter: str
) -> None:
    client = await start_app()
    for path in ("/api/leads", "/api/leads.csv"):
        response = await client.get(path, params=query, headers=AUTH)
        assert response.status == 400
        body = await response.json()
        assert body["parameter"] == parameter
        assert body["error"].startswith(f"{parameter}: ")


async def test_a_parameter_given_twice_is_400(start_app: StartApp) -> None:
    client = await start_app()
    response = await client.get("/api/leads?limit=1&limit=2", headers=AUTH)
    assert response.status == 400
    assert (await response.json())["parameter"] == "limit"


async def test_detail_has_breakdown_history_and_transcripts(
    start_app: StartApp, sqlite_url: str
) -> None:
    client, ids = await _seeded(start_app, sqlite_url)
    response = await client.get(f"/api/leads/{ids['dave']}", headers=AUTH)
    assert response.status == 200
    lead = await response.json()
    assert (lead["id"], lead["name"], lead["score"], lead["grade"]) == (
        ids["dave"],
        "Dave Delta",
        77,
        "B",
    )
    assert {part["criterion"]: part["points"] for part in lead["breakdown"]} == {
        "budget": 25,
        "authority": 12,
        "need": 25,
        "timeline": 15,
    }
    # One score per conversation, oldest first, each saying where it came from.
    assert [(s["conversation_id"], s["score"], s["at"]) for s in lead["score_history"]] == [
        ("conv-dave", 77, "2026-03-02T09:04:00+00:00"),
        ("conv-dave-2", 77, "2026-03-02T09:10:00+00:00"),
    ]
    assert lead["score_history"][0]["breakdown"] == lead["breakdown"]
    assert [c["id"] for c in lead["conversations"]] == ["conv-dave", "conv-dave-2"]
    first = lead["conversations"][0]
    assert first["source"]["utm_campaign"] == "spring"
    assert first["transcript"] == [
        {"seq": 0, "sender": "visitor", "text": "hi", "at": "2026-03-02T09:04:00+00:00"},
        {
            "seq": 1,
            "sender": "bot",
            "text": "Hello! What brings you here?",
            "at": "2026-03-02T09:04:06+00:00",
        },
        {"seq": 2, "sender": "visitor", "text": "15k dollars", "at": "2026-03-02T09:04:30+00:00"},
    ]
    assert lead["conversations"][1]["transcript"][0]["at"] == "2026-03-02T09:10:00+00:00"


@pytest.mark.parametrize("lead_id", ["no-such-lead", "x" * 300, "a%00b"])
async def test_unknown_lead_is_404(start_app: StartApp, lead_id: str) -> None:
    client, _ = await _seeded(start_app)
    response = await client.get(f"/api/leads/{lead_id}", headers=AUTH)
    assert response.status == 404
    assert await response.json() == {"error": "no such lead"}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_csv_export(start_app: StartApp, database_url: str) -> None:
    client, ids = await _seeded(start_app, database_url)
    response = await client.get("/api/leads.csv", headers=AUTH)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="leads-')
    assert disposition.endswith('.csv"')
    text = await response.text()
    assert text.splitlines()[0] == (
        "id,created_at,name,email,company,score,grade,route,budget_amount,budget_currency,"
        "budget_period,authority_role,decision_maker,need_summary,timeline_months,page_url,"
        "utm_source,utm_medium,utm_campaign"
    )
    rows = _csv(text)
    assert [row["id"] for row in rows] == [ids["dave"], ids["carol"], ids["bob"], ids["jane"]]
    assert rows[3] == {
        "id": ids["jane"],
        "created_at": "2026-03-02T09:01:00+00:00",
        "name": "Jane Doe",
        "email": "jane.doe@acme.io",
        "company": "Acme",
        "score": "100",
        "grade": "A",
        "route": "handoff",
        "budget_amount": "20000.0",
        "budget_currency": "EUR",
        "budget_period": "year",
        "authority_role": "CTO",
        "decision_maker": "true",
        "need_summary": "after-hours lead capture",
        "timeline_months": "3.0",
        "page_url": "https://leadbot.example/pricing",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "spring",
    }
    # Same filters as the JSON list.
    filtered = _csv(await (await client.get("/api/leads.csv?route=nurture", headers=AUTH)).text())
    assert [row["grade"] for row in filtered] == ["D", "C"]
    paged = _csv(await (await client.get("/api/leads.csv?limit=1&offset=1", headers=AUTH)).text())
    assert [row["id"] for row in paged] == [ids["carol"]]


async def test_csv_defuses_formulas(start_app: StartApp) -> None:
    client, _ = await _seeded(start_app)
    text = await (await client.get("/api/leads.csv?grade=D", headers=AUTH)).text()
    (carol,) = _csv(text)
    assert carol["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert carol["company"] == "'+cmd|' /C calc'!A0"
    assert carol["need_summary"] == "'-2+3"
    assert carol["authority_role"] == "'@intern"
    assert carol["utm_campaign"] == "'@SUM(1+1)"
    # Nothing else is touched: empty cells stay empty, numbers stay numbers.
    assert (carol["budget_amount"], carol["score"], carol["decision_maker"]) == ("", "5", "false")


async def test_csv_without_limit_has_every_lead(start_app: StartApp) -> None:
    """More leads than one page: the export fetches page after page."""
    from bot.leads.service import LeadInput, record_lead

    client = await start_app()
    services = services_of(client)
    for n in range(503):
        await record_lead(services.uow(), LeadInput(conversation_id=f"conv-{n:04d}"))
    rows = _csv(await (await client.get("/api/leads.csv", headers=AUTH)).text())
    assert len(rows) == 503
    assert len({row["id"] for row in rows}) == 503
