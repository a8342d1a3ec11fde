"""Issue 18: leaving a section page saves it first, without JavaScript too, and a page older than
the saved answers (another tab, a late autosave) never writes back what it showed."""

from __future__ import annotations

import re

from sqlmodel import select

from supplychain import db
from supplychain.models import Answer
from tests.respond.conftest import start

URL = "/r/answer?section=identity"
FIELDS = re.compile(r'name="(csrf_token|_shown)" value="([^"]*)"')


def _page(client, url: str = URL) -> dict[str, str]:
    """The hidden fields of the section page, as a browser holds them."""
    return dict(FIELDS.findall(client.get(url).get_data(as_text=True)))


def _stored(app) -> dict:
    with app.app_context():
        return {a.question_id: a.value for a in db.get_session().exec(select(Answer))}


def test_the_language_switch_and_section_links_post_the_answers(app, client, invited):
    start(client, invited["token"])  # a Latvian supplier
    # The switch is a button of the answer form; the section is incomplete, and it still goes.
    assert 'form="answers" type="submit" name="go" value="lang:en"' in client.get(URL).text
    switched = client.post(URL, data={**_page(client), "registration_no": "4000", "go": "lang:en"})
    assert switched.status_code == 303 and switched.headers["Location"] == URL
    assert _stored(app) == {"registration_no": "4000"}
    english = client.get(URL).text
    assert '<html lang="en">' in english and 'value="4000"' in english

    # A section link and Previous go too; continuing still asks for the missing answers.
    moved = client.post(URL, data={**_page(client), "go": "section:workforce"})
    assert moved.headers["Location"] == "/r/answer?section=workforce"
    back = client.post("/r/answer?section=workforce", data={**_page(client), "go": "previous"})
    assert back.headers["Location"] == URL
    assert client.post(URL, data={**_page(client), "go": "next"}).status_code == 200
    assert _stored(app) == {"registration_no": "4000"}  # and nothing was blanked on the way

    # A value that would be lost stops the switch: the page comes back, in the new language.
    page = client.post(URL, data={**_page(client), "founded_year": "long ago", "go": "lang:lv"})
    assert page.status_code == 200 and '<html lang="lv">' in page.text
    assert 'id="founded_year-error"' in page.text and 'value="long ago"' in page.text


def test_a_stale_page_does_not_write_back_what_it_showed(app, client, invited):
    start(client, invited["token"])
    url = "/r/answer?section=agencies_and_subcontractors"
    stale = _page(client, url)  # drawn before the answers below were saved
    agency = {"agencies-0-name": "Darba Spēks SIA", "agencies-0-country": "LV"}
    saved = client.post(
        "/r/answer/save?section=agencies_and_subcontractors",
        data={**stale, "uses_agencies": "yes", **agency},
    )
    assert saved.status_code == 204
    rows = [{"name": "Darba Spēks SIA", "country": "LV"}]
    # Saved from the stale page, what it showed is left alone (there, no agency was named and
    # the table hidden); what was typed there is saved.
    client.post(url, data={**stale, "uses_subcontractors": "no", "go": "next"})
    stored = _stored(app)
    assert stored["uses_agencies"] == "yes" and stored["uses_subcontractors"] == "no"
    assert [{k: v for k, v in row.items() if v} for row in stored["agencies"]] == rows
    # The autosave answers with what is now held: a change made after it is saved.
    after = {**stale, "_shown": saved.headers["Answers-Shown"]}
    client.post(url, data={**after, "uses_agencies": "no", "uses_subcontractors": "no"})
    assert "agencies" not in _stored(app) and _stored(app)["uses_agencies"] == "no"
