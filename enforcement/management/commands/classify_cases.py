from django.core.management.base import BaseCommand

from enforcement.services.facets import cases_classify


class Command(BaseCommand):
    help = (
        "Classify the stored cases' sector and violation types from their free text (respondent, "
        "summaries, the source's violation type, provisions found violated) and fill empty short "
        "summaries of imported decisions. Cases whose facets staff set are kept unless --overwrite-staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overwrite-staff", action="store_true", help="reclassify staff-set facets too")

    def handle(self, *args, overwrite_staff: bool, **options):
        count = cases_classify(overwrite_staff=overwrite_staff)
        self.stdout.write(f"Classified {count} case(s).")
