"""Mail transports against a real SMTP server on loopback and a real folder."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.mail import (
    EmlDirTransport,
    PermanentMailError,
    SmtpTransport,
    TemporaryMailError,
    transport_from_settings,
)
from bot.settings import load_settings
from tests.support.smtp import SmtpInbox, smtp_inbox
from tests.support.stack import free_port


def _message(to: str = "jane@acme.io", message_id: str = "<m1@leadbot>") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Leadbot <bot@example.com>"
    message["To"] = to
    message["Subject"] = "Your demo"
    message["Message-ID"] = message_id
    message.set_content("See you on Tuesday.")
    return message


@pytest.fixture
def inbox() -> Iterator[SmtpInbox]:
    with smtp_inbox() as running:
        yield running


async def test_smtp_delivers_the_message(inbox: SmtpInbox) -> None:
    await SmtpTransport(inbox.url).send(_message())
    assert [m["Message-ID"] for m in inbox.messages] == ["<m1@leadbot>"]
    assert inbox.messages[0].get_content().strip() == "See you on Tuesday."


async def test_a_refused_recipient_is_permanent(inbox: SmtpInbox) -> None:
    inbox.refuse.add("gone@acme.io")
    with pytest.raises(PermanentMailError) as raised:
        await SmtpTransport(inbox.url).send(_message(to="gone@acme.io"))
    assert raised.value.code == 550
    assert inbox.messages == []


async def test_a_deferred_recipient_is_temporary(inbox: SmtpInbox) -> None:
    inbox.defer.add("busy@acme.io")
    with pytest.raises(TemporaryMailError):
        await SmtpTransport(inbox.url).send(_message(to="busy@acme.io"))


async def test_a_server_that_is_down_is_temporary() -> None:
    with pytest.raises(TemporaryMailError):
        await SmtpTransport(f"smtp://127.0.0.1:{free_port()}", timeout=3).send(_message())


def test_smtp_url_is_parsed() -> None:
    transport = SmtpTransport("smtp://bot%40acme.io@mail.acme.io:587?starttls=true", "pw")
    assert (transport.hostname, transport.port, transport.start_tls) == ("mail.acme.io", 587, True)
    assert (transport.username, transport.password, transport.use_tls) == (
        "bot@acme.io",
        "pw",
        False,
    )
    assert SmtpTransport("smtps://mail.acme.io").port == 465
    with pytest.raises(ValueError, match="SMTP_URL"):
        SmtpTransport("http://mail.acme.io")


async def test_eml_folder_keeps_one_file_per_message_id(tmp_path: Path) -> None:
    transport = EmlDirTransport(tmp_path / "mail")
    await transport.send(_message())
    await transport.send(_message())  # a retry of the same message overwrites, never doubles
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Your demo"


def test_settings_pick_the_transport(tmp_path: Path) -> None:
    eml = transport_from_settings(load_settings({"LEADBOT_MAIL_DIR": str(tmp_path)}))
    assert isinstance(eml, EmlDirTransport)
    assert eml.directory == tmp_path
    smtp = transport_from_settings(load_settings({"SMTP_URL": "smtp://127.0.0.1:2525"}))
    assert isinstance(smtp, SmtpTransport)
