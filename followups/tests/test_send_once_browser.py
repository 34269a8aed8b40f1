"""Sending a follow-up from a real browser makes one email, however the button is pressed.

The send request is held in the browser (``page.route``) until the test lets it go, so the
request is "slow" exactly as long as the test needs, and nothing about the server changes.
"""

import pytest

from accounts.models import OutgoingMessage
from followups.tests.factories import ContactFactory, FollowUpFactory
from infoview.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEND = "**/follow-ups/*/send/"


def _followup(alice, workspace_a):
    contact = ContactFactory(
        workspace=workspace_a, owner=alice, first_name="Grace", emails=["grace@example.test"]
    )
    return FollowUpFactory(contact=contact, owner=alice)


def _fill(tab) -> None:
    tab.get_by_label("Subject").fill("Thank you, Grace")
    tab.get_by_label("Message").fill("Dear Grace, thank you for your time.")


def _hold_sends(tab) -> list:
    """Hold every send POST in the browser until the test continues it."""
    held = []
    tab.route(SEND, lambda route: held.append(route))
    return held


def _release(tab, held) -> None:
    for route in held:
        route.continue_()
    tab.unroute(SEND)


# Reports the send button's state 100 ms after each submit, while the request is held: the
# page's own locators would wait for the navigation to end, the console does not.
WATCH = """
document.addEventListener("submit", function (event) {
  var form = event.target;
  window.setTimeout(function () {
    var button = form.querySelector("button[type=submit]");
    var busy = button.getAttribute("aria-busy");
    console.log("once-watch disabled=" + button.disabled + " busy=" + busy);
  }, 100);
}, true);
"""


def test_the_send_button_is_disabled_while_its_request_runs_and_a_double_click_sends_once(
    page, alice, workspace_a
):
    followup = _followup(alice, workspace_a)
    log_in(page, alice.email)
    page.add_init_script(WATCH)
    page.goto(followup.get_absolute_url())
    _fill(page)
    seen = []
    page.on("console", lambda message: seen.append(message.text))
    held = _hold_sends(page)

    page.locator("#send-form").get_by_role("button", name="Send email").dblclick()
    page.wait_for_timeout(500)  # the request is held: time for a second one, were it made

    assert "once-watch disabled=true busy=true" in seen
    assert len(held) == 1
    _release(page, held)
    page.wait_for_url(followup.get_absolute_url())
    assert "Queued for grace@example.test." in page.content()
    assert OutgoingMessage.objects.filter(kind="followup").count() == 1


def test_the_same_form_sent_again_makes_no_second_email_and_says_so(page, alice, workspace_a):
    """A second request with the form's one-time token (a second click that got through, a
    resubmitted page) finds the first one's email and says so instead of sending again."""
    followup = _followup(alice, workspace_a)
    log_in(page, alice.email)
    page.goto(followup.get_absolute_url())
    _fill(page)
    form = page.locator("#send-form")
    fields = ["csrfmiddlewaretoken", "idempotency_token", "to", "subject", "body"]
    data = {name: form.locator(f"[name={name}]").input_value() for name in fields}
    url = page.url

    form.get_by_role("button", name="Send email").click()
    page.wait_for_url(followup.get_absolute_url())
    assert "Queued for grace@example.test." in page.content()
    again = page.request.post(f"{url}send/", form=data, headers={"Referer": url})

    assert again.ok
    assert "This email was already on its way; it was not sent again." in again.text()
    assert OutgoingMessage.objects.filter(kind="followup").count() == 1
