"""A worker's photo with a report: kept re-encoded without what the phone wrote into it, bounded,
refused in the worker's words without losing what was typed, shown to the organisation's
officers only, and deleted with its case."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from PIL.ExifTags import IFD
from sqlmodel import select

from supplychain import db, storage
from supplychain.cases import services as cases
from supplychain.models import CasePhoto, CaseStatus, Organisation, Role, WorkerCase, utcnow
from tests.conftest import row_counts, sign_in
from tests.factories import committed, email_of, make_team, make_user, phone_jpeg

TEXT = "Look at the rooms we sleep in"


@pytest.fixture
def officers(app, site):
    """An officer of the site's organisation and one of another organisation."""
    with committed(app) as session:
        org = session.get(Organisation, site["org_id"])
        make_user(session, org, Role.OFFICER, email=email_of(Role.OFFICER, "acme"))
        make_team(session, "beta", Role.OFFICER)
    return site


def _report(client, site, upload: bytes, **form):
    data = {"text": TEXT, "contact": "room 12", "photo": (io.BytesIO(upload), "IMG_0001.jpg")}
    return client.post(f"/w/{site['code']}/report?lang=en", data={**data, **form})


def _stored(app) -> list:
    folder = storage.upload_dir(app)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_photo_is_kept_without_its_metadata_and_shown_to_the_officers_only(app, officers):
    sent = phone_jpeg()
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(IFD.GPSInfo)  # the place is in it
    worker = app.test_client()
    assert 'type="file" accept="image/*"' in worker.get(f"/w/{officers['code']}/report").text
    assert "Your message was sent" in _report(worker, officers, sent).text
    with app.app_context():
        (kept,) = db.get_session().exec(select(CasePhoto)).all()
        case_id = kept.case_id
    [path] = _stored(app)  # the photo as kept, and nothing else of the upload
    data = path.read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (1333, 2000)  # upright, long side bounded
    assert not image.getexif().get_ifd(IFD.GPSInfo) and not image.getexif()
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info)
    assert b"PhoneMaker" not in data and b"Ivan" not in data
    assert kept.size == len(data) <= app.config["VOICE_PHOTO_MAX_BYTES"]
    assert (kept.width, kept.height) == image.size

    url = f"/cases/{case_id}/photo"
    assert worker.get(url).status_code == 302  # the worker, or anyone, must sign in
    officer = sign_in(app.test_client(), Role.OFFICER, "acme")
    assert f'src="{url}"' in officer.get(f"/cases/{case_id}").text
    shown = officer.get(url)
    assert shown.status_code == 200 and shown.data == data
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in shown.headers["Cache-Control"]
    assert "no-store" in shown.headers["Cache-Control"]
    other = sign_in(app.test_client(), Role.OFFICER, "beta")
    assert other.get(url).status_code == 404


def test_a_refused_photo_keeps_what_the_worker_typed(app, officers):
    app.config["VOICE_PHOTO_MAX_BYTES"] = 100_000
    client = app.test_client()
    for upload, words in (
        (b"%PDF-1.4 " + b"x" * 2000, "We cannot open this file."),
        (b"\xff\xd8" + b"x" * 100_000, "This photo is too big."),
    ):
        page = _report(client, officers, upload).text
        assert words in page and f">{TEXT}</textarea>" in page and 'value="room 12"' in page
    # Far too large to be read at all: refused before parsing, still in the worker's words.
    huge = _report(client, officers, b"x" * 500_000)
    assert huge.status_code == 413 and "This photo is too big." in huge.text
    assert row_counts(app, WorkerCase, CasePhoto) == [0, 0]
    assert _stored(app) == []
    # Without a photo, the report goes as before.
    assert (
        "Your message was sent"
        in client.post(
            f"/w/{officers['code']}/report?lang=en",
            data={"text": TEXT, "photo": (io.BytesIO(b""), "")},
        ).text
    )
    assert row_counts(app, WorkerCase, CasePhoto) == [1, 0]


def test_the_photo_goes_with_its_case_at_the_end_of_retention(app, officers):
    _report(app.test_client(), officers, phone_jpeg((400, 300)))
    assert len(_stored(app)) == 1
    with committed(app) as session:
        case = session.exec(select(WorkerCase)).one()
        case.status = CaseStatus.CLOSED
        case.closed_at = utcnow() - timedelta(days=30 * 23)
    with committed(app) as session:
        assert cases.purge_closed(session, utcnow(), 24) == 0  # not yet: nothing goes
    assert len(_stored(app)) == 1
    with committed(app) as session:
        assert cases.purge_closed(session, utcnow() + timedelta(days=31), 24) == 1
    assert row_counts(app, WorkerCase, CasePhoto) == [0, 0]
    assert _stored(app) == []
