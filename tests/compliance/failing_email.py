"""An email backend whose server is down, to test how failures are recorded."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("mail server unreachable")
