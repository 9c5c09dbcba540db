"""Print the request state diagram (Mermaid), generated from the state machine."""

from django.core.management.base import BaseCommand

from compliance.workflow.diagram import mermaid


class Command(BaseCommand):
    help = "Print the data-subject request state diagram (Mermaid), generated from the state machine."

    def handle(self, *args, **options):
        self.stdout.write("```mermaid\n" + mermaid() + "\n```")
