"""Evidence documents: checked by content, stored outside the web root, served only to the
organisation's own users, as downloads."""

from __future__ import annotations

import io

from sqlmodel import select

from supplychain import db
from supplychain.models import Answer, Evidence, Response, ResponseStatus, Role
from tests.conftest import login, sign_in
from tests.factories import PASSWORD, committed, make_team
from tests.respond.conftest import csrf_of, start

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
URL = "/r/answer?section=identity"


def _upload(client, *files, **fields):
    data = {"csrf_token": csrf_of(client, URL), **fields}
    data["registration_documents"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(URL, data=data, content_type="multipart/form-data")


def _stored(app):
    with app.app_context():
        session = db.get_session()
        answer = session.exec(
            select(Answer).where(Answer.question_id == "registration_documents")
        ).first()
        return (answer.value if answer else None), session.exec(select(Evidence)).all()


def test_a_pdf_is_kept_and_named_by_its_content(app, client, invited, tmp_path):
    start(client, invited["token"])
    _upload(client, ("../../register extract.PDF", PDF))
    value, documents = _stored(app)
    assert [d.filename for d in documents] == ["register extract.pdf"]
    assert value == [{"id": documents[0].id, "filename": "register extract.pdf", "size": len(PDF)}]
    stored = tmp_path / "uploads" / str(documents[0].organisation_id) / documents[0].stored_name
    assert stored.read_bytes() == PDF and "register" not in documents[0].stored_name
    # The page shows it again, and a later save keeps it unless removed.
    assert "register extract.pdf" in client.get(URL).get_data(as_text=True)
    _upload(client, registration_no="40003000001")
    assert _stored(app)[0] == value
    client.post(
        URL,
        data={
            "csrf_token": csrf_of(client, URL),
            "registration_documents-remove": str(documents[0].id),
        },
    )
    assert _stored(app)[0] is None


def test_a_page_dressed_as_a_pdf_is_refused(app, client, invited):
    start(client, invited["token"])
    response = _upload(client, ("tax.pdf", b"<html><script>alert(1)</script></html>"))
    page = response.get_data(as_text=True)
    assert 'id="registration_documents-error"' in page and "tax.pdf:" in page
    assert _stored(app) == (None, [])


def test_a_file_over_the_limit_is_refused(app, client, invited):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    start(client, invited["token"])
    response = _upload(client, ("big.pdf", PDF + b"0" * 2048))
    assert 'id="registration_documents-error"' in response.get_data(as_text=True)
    assert _stored(app) == (None, [])


def test_the_officer_downloads_it_as_an_attachment(app, client, invited):
    start(client, invited["token"])
    _upload(client, ("extract.pdf", PDF))
    _value, [document] = _stored(app)
    with app.app_context():  # sent: a draft's documents are not the officer's to read
        session = db.get_session()
        session.get(Response, document.response_id).status = ResponseStatus.SUBMITTED
        session.commit()
    officer = app.test_client()
    login(officer, "officer@buyer.example", PASSWORD)
    with officer.get(f"/invitations/evidence/{document.id}") as response:
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Neither the supplier's browser nor a stranger can fetch it.
    assert client.get(f"/invitations/evidence/{document.id}").status_code == 302
    with committed(app) as session:
        make_team(session, "other", Role.ADMIN)
    stranger = sign_in(app.test_client(), Role.ADMIN, "other")
    assert stranger.get(f"/invitations/evidence/{document.id}").status_code == 404
