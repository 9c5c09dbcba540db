"""`manage.py verify_audit`: check the audit trail's hash chain and say where it breaks."""

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail: every record's hash, its link to the previous record, gap-free "
        "numbering and the chain head. Exits with status 1 and names the first broken record."
    )

    def handle(self, *args, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.checked} records checked."))
            return
        raise CommandError(
            f"Audit trail broken at record id={result.broken_at_id} seq={result.broken_at_seq}: {result.reason}. "
            f"{result.checked} records before it are intact."
        )
