"""Issue 17, the supplier's link: a session bound to the link it was opened with, uploads held
to a quota and deleted with what they belong to, and a draft the buyer cannot read."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db, storage
from supplychain.invitations import services as invitations
from supplychain.models import Evidence, Invitation, Organisation, Response, Role, utcnow
from supplychain.questionnaires import evidence
from supplychain.questionnaires.sample import plain_answers
from tests.api.conftest import call
from tests.conftest import login
from tests.factories import PASSWORD, committed, make_token, make_user
from tests.respond.conftest import csrf_of, start, token_of
from tests.respond.conftest import invited as invited  # noqa: F401 (the fixture)
from tests.respond.test_answering import _answer_everything

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
IDENTITY = "/r/answer?section=identity"
DOCS = "registration_documents"
OFFICER = "officer@buyer.example"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _officer(app):
    client = app.test_client()
    login(client, OFFICER, PASSWORD)
    return client


def _invitation(app, supplier_id: int) -> Invitation:
    with app.app_context():
        return (
            db.get_session()
            .exec(select(Invitation).where(Invitation.supplier_id == supplier_id))
            .one()
        )


def _act(app, invitation: Invitation, action: str):
    """The officer presses "Send a new link" or "Revoke" on the sending's page."""
    officer = _officer(app)
    page = f"/invitations/{invitation.campaign_id}"
    url = f"/invitations/invitation/{invitation.id}/{action}"
    return officer.post(url, data={"csrf_token": csrf_of(officer, page)})


def _still_answering(client) -> bool:
    page = client.get(IDENTITY)
    if page.status_code != 200:
        return False
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    saved = client.post(
        "/r/answer/save?section=identity", data={"csrf_token": token, "registration_no": "1"}
    )
    return saved.status_code == 204


# ---- 1. the session is bound to the link ------------------------------------------------------


def test_a_new_link_cuts_off_the_browser_that_opened_the_old_one(app, client, invited):
    start(client, invited["token"])
    assert _still_answering(client)
    invitation = _invitation(app, invited["first"])
    assert _act(app, invitation, "resend").status_code == 302
    assert not _still_answering(client)
    # The new link works, in a browser that opens it.
    with app.app_context():
        issued = invitations.resend(
            session=db.get_session(),
            invitation=db.get_session().get(Invitation, invitation.id),
            questionnaire=invited["questionnaire"],
            base_url=app.config["BASE_URL"],
            now=utcnow(),
            user_id=None,
        )
        db.get_session().commit()
    fresh = app.test_client()
    start(fresh, token_of(issued.url))
    assert _still_answering(fresh)


def test_a_resend_after_a_revoke_does_not_revive_the_old_session(app, client, invited):
    start(client, invited["token"])
    invitation = _invitation(app, invited["first"])
    assert _act(app, invitation, "revoke").status_code == 302
    assert not _still_answering(client)
    assert _act(app, invitation, "resend").status_code == 302
    assert not _still_answering(client)


def test_a_reminder_leaves_the_supplier_answering(app, client, invited):
    """A reminder brings a new link too, but it is no officer's decision to cut anyone off."""
    start(client, invited["token"])
    with app.app_context():
        session = db.get_session()
        for invitation in session.exec(select(Invitation)):
            invitation.sent_at = utcnow()
            invitation.expires_at = utcnow() + timedelta(days=1)
        session.commit()
        assert invitations.send_due_reminders(session=session, now=utcnow()) == 2
        session.commit()
    assert _still_answering(client)


# ---- 2. uploads: a quota, and removed documents are gone --------------------------------------


def _upload(client, *names, remove=(), **fields):
    data = {"csrf_token": csrf_of(client, IDENTITY), f"{DOCS}-remove": [str(i) for i in remove]}
    data.update(fields)
    data[DOCS] = [(io.BytesIO(PDF), name) for name in names]
    return client.post(IDENTITY, data=data, content_type="multipart/form-data")


def _refused(page) -> bool:
    return f'id="{DOCS}-error"' in page.get_data(as_text=True)


def _documents(app) -> list[Evidence]:
    with app.app_context():
        return list(db.get_session().exec(select(Evidence).order_by(Evidence.id)))


def _files(tmp_path) -> list:
    return sorted(p for p in (tmp_path / "uploads").rglob("*") if p.is_file())


def test_a_removed_document_is_deleted_with_its_file(app, client, invited, tmp_path):
    start(client, invited["token"])
    _upload(client, "extract.pdf")
    [document] = _documents(app)
    assert len(_files(tmp_path)) == 1
    _upload(client, remove=[document.id])
    assert _documents(app) == [] and _files(tmp_path) == []
    assert _officer(app).get(f"/invitations/evidence/{document.id}").status_code == 404


def test_uploading_in_a_loop_stops_at_the_quota(app, client, invited, tmp_path):
    app.config.update(RESPONSE_UPLOAD_MAX_FILES=3, RESPONSE_UPLOAD_MAX_BYTES=10 * len(PDF))
    start(client, invited["token"])
    for n in range(3):
        assert not _refused(_upload(client, f"{n}.pdf"))
    assert _refused(_upload(client, "one-too-many.pdf"))
    assert len(_documents(app)) == 3 and len(_files(tmp_path)) == 3
    # Removing one makes room for one, and the disk holds no more than the quota.
    for _ in range(3):
        first = _documents(app)[0]
        assert not _refused(_upload(client, "again.pdf", remove=[first.id]))
    assert len(_documents(app)) == 3 and len(_files(tmp_path)) == 3
    app.config["RESPONSE_UPLOAD_MAX_BYTES"] = 3 * len(PDF) + 10
    assert _refused(_upload(client, "over-the-bytes.pdf"))
    assert len(_documents(app)) == 3


def _submit(client, invited, **overrides):
    questionnaire = invited["questionnaire"]
    _answer_everything(client, questionnaire, plain_answers(questionnaire, overrides))
    return client.post(
        "/r/review",
        data={"csrf_token": csrf_of(client, "/r/review"), "respondent_name": "Anna"},
    )


def _store_pdf(app, session, filename: str) -> Evidence:
    """Store a PDF for the one response's document question straight through the service,
    as no page would (the file is written at once; the row waits for a commit)."""
    return evidence.store(
        session=session,
        folder=storage.upload_dir(app),
        response=session.exec(select(Response)).one(),
        question_id=DOCS,
        data=PDF,
        mime="application/pdf",
        filename=filename,
    )


def test_a_submitted_document_cannot_be_removed(app, client, invited, tmp_path):
    start(client, invited["token"])
    _upload(client, "extract.pdf")
    [document] = _documents(app)
    assert _submit(client, invited).status_code == 303
    client.post(IDENTITY, data={f"{DOCS}-remove": str(document.id)})
    assert _documents(app) == [document] and len(_files(tmp_path)) == 1


# An import never deletes a supplier that holds documents: even --prune archives it with them
# (tests/chain/test_importer.py).
@pytest.mark.parametrize("how", ["web", "api"])
def test_a_deleted_suppliers_documents_leave_the_disk(app, client, invited, tmp_path, how):
    start(client, invited["token"])
    _upload(client, "extract.pdf")
    assert len(_files(tmp_path)) == 1
    supplier = invited["first"]
    if how == "web":
        officer = _officer(app)
        page = f"/chain/suppliers/{supplier}"
        url = f"/chain/suppliers/{supplier}/delete"
        assert officer.post(url, data={"csrf_token": csrf_of(officer, page)}).status_code == 302
    elif how == "api":
        with committed(app) as session:
            secret = make_token(session, invited["org"])
        assert call(client, "DELETE", f"/suppliers/{supplier}", secret).status_code == 204
    # Holding evidence, it was archived with its documents; an admin deletes it for good.
    assert len(_documents(app)) == 1 and len(_files(tmp_path)) == 1
    with app.app_context():
        session = db.get_session()
        org = session.get(Organisation, invited["org"])
        make_user(session, org, Role.ADMIN, email="admin@buyer.example")
        session.commit()
    admin = app.test_client()
    login(admin, "admin@buyer.example", PASSWORD)
    page = f"/chain/suppliers/{supplier}"
    form = {"csrf_token": csrf_of(admin, page), "code": "S1"}
    assert admin.post(f"{page}/delete-for-good", data=form).status_code == 302
    assert _documents(app) == [] and _files(tmp_path) == []


# ---- 3. the buyer sees a draft's progress, not its answers -------------------------------------


def _response_id(app) -> int:
    with app.app_context():
        return db.get_session().exec(select(Response.id)).one()


def test_the_buyer_sees_a_drafts_progress_only(app, client, invited):
    start(client, invited["token"])
    _upload(client, "secret-extract.pdf", registration_no="40003999999")
    response_id = _response_id(app)
    [document] = _documents(app)
    officer = _officer(app)
    page = officer.get(f"/invitations/response/{response_id}").get_data(as_text=True)
    assert "40003999999" not in page and "secret-extract" not in page
    assert "2 of" in page  # the identity section: a number and a document
    assert officer.get(f"/invitations/evidence/{document.id}").status_code == 404
    with committed(app) as session:
        secret = make_token(session, invited["org"], name="dashboard", scopes=["read"])
    body = call(client, "GET", f"/responses/{response_id}", secret).json
    assert body["answers"] == {} and "40003999999" not in str(body)
    identity = next(s for s in body["progress"] if s["section_id"] == "identity")
    assert identity["answered"] == 2
    # Once submitted, the answers and the document are the buyer's to read.
    assert _submit(client, invited, registration_no="40003999999").status_code == 303
    assert "40003999999" in officer.get(f"/invitations/response/{response_id}").get_data(
        as_text=True
    )
    with officer.get(f"/invitations/evidence/{document.id}") as download:
        assert download.status_code == 200 and download.data == PDF
    body = call(client, "GET", f"/responses/{response_id}", secret).json
    assert body["answers"]["registration_no"] == "40003999999"


def test_a_document_the_answers_do_not_list_is_not_served(app, client, invited):
    """Documents removed before this fix stayed beside a submitted response: never shown."""
    start(client, invited["token"])
    assert _submit(client, invited).status_code == 303
    with committed(app) as session:
        left = _store_pdf(app, session, "removed-long-ago.pdf")
    officer = _officer(app)
    page = officer.get(f"/invitations/response/{left.response_id}").get_data(as_text=True)
    assert "removed-long-ago" not in page
    assert officer.get(f"/invitations/evidence/{left.id}").status_code == 404


def test_a_file_written_for_a_save_that_never_commits_is_deleted(app, client, invited, tmp_path):
    start(client, invited["token"])
    with app.app_context():
        session = db.get_session()
        _store_pdf(app, session, "half-saved.pdf")
        assert len(_files(tmp_path)) == 1
        session.rollback()
    assert _files(tmp_path) == []
