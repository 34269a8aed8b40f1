"""The chart image's own policy allows no inline style: only its one nonced <style> element."""

import re

from contacts.tests.factories import ContactFactory
from reports.tests.helpers import report_url


def test_the_chart_allows_no_inline_style(client, alice, team):
    ContactFactory(workspace=team, owner=alice, stage="new")
    client.force_login(alice)
    response = client.get(report_url(team, "stages", "chart"))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    [nonce] = re.findall(r"'nonce-([^']+)'", policy)
    body = response.content.decode()
    assert re.findall(r"<style\b[^>]*>", body) == [f'<style nonce="{nonce}" type="text/css">']
    assert " style=" not in body
    assert 'opacity="0"' in body
