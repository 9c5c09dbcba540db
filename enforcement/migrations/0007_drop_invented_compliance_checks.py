"""Delete the compliance checks that earlier imports made up (issue 15, item 1).

The importer used to add a "not complied" ComplianceCheck to every order of a decision whose
penalty a later row liquidated, dated at the liquidation decision, with the note
"<liquidation row id>: <trigger>". No source records such a check, and it stretched the CNIL
accrual to 115 days (EUR 11.5M). Only checks of exactly that shape are deleted: checks recorded
by staff keep their own notes.
"""

from django.db import migrations


def drop_invented_checks(apps, schema_editor):
    Decision = apps.get_model("enforcement", "Decision")
    ComplianceCheck = apps.get_model("enforcement", "ComplianceCheck")
    liquidations = Decision.objects.filter(kind="penalty_liquidation", parent__isnull=False).exclude(
        import_key__isnull=True
    )
    for liquidation in liquidations:
        ComplianceCheck.objects.filter(
            order__decision_id=liquidation.parent_id,
            checked_on=liquidation.decision_date,
            complied=False,
            note__startswith=f"{liquidation.import_key}: ",
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0006_postgres_trigram_search_indexes")]

    operations = [migrations.RunPython(drop_invented_checks, migrations.RunPython.noop)]
