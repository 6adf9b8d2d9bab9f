"""Contact requests: the hand-over from the help center to the support team.

The collector's process accepts a request (``POST /api/contact``), stores it with the visit's
context the customer agreed to send, answers with a reference number, and delivers it from an
outbox by e-mail (SMTP) and/or a webhook, retrying until it is delivered. See docs/contact.md.
"""
