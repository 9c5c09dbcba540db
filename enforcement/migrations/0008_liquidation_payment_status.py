"""A liquidated penalty payment is not a fine (issue 15, item 2).

Liquidations get their own payment status; a Fine that an earlier import made from a
liquidation row (same decision, same amount and currency as the liquidation it records) is
deleted after its payment status and note are moved onto the liquidation, and the case's EUR
total of fines is recomputed without it.
"""

from decimal import Decimal

from django.db import migrations, models


def move_liquidation_fines(apps, schema_editor):
    Fine = apps.get_model("enforcement", "Fine")
    Case = apps.get_model("enforcement", "Case")
    PenaltyLiquidation = apps.get_model("enforcement", "PenaltyLiquidation")
    case_ids = set()
    for fine in Fine.objects.filter(decision__kind="penalty_liquidation").select_related("decision"):
        liquidation = PenaltyLiquidation.objects.filter(
            decision_id=fine.decision_id, amount=fine.amount, penalty__currency=fine.currency
        ).first()
        if liquidation is None:
            continue  # not a copy of a recorded liquidation: left for staff to review
        liquidation.payment_status = fine.payment_status
        liquidation.payment_note = fine.payment_note
        liquidation.save(update_fields=["payment_status", "payment_note"])
        case_ids.add(fine.decision.case_id)
        fine.delete()
    for case in Case.objects.filter(pk__in=case_ids):
        amounts = list(Fine.objects.filter(decision__case=case).values_list("amount_eur", flat=True))
        total = sum((a for a in amounts if a is not None), Decimal(0)).quantize(Decimal("0.01")) if amounts else None
        Case.objects.filter(pk=case.pk).update(fines_eur_total=total)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0007_drop_invented_compliance_checks")]

    operations = [
        migrations.AddField(
            model_name="penaltyliquidation",
            name="payment_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="penaltyliquidation",
            name="payment_status",
            field=models.CharField(
                choices=[
                    ("unpaid", "Unpaid"),
                    ("paid", "Paid"),
                    ("contested", "Contested"),
                    ("unenforceable", "Unenforceable"),
                    ("unknown", "Unknown"),
                ],
                default="unknown",
                max_length=20,
            ),
        ),
        migrations.RunPython(move_liquidation_fines, migrations.RunPython.noop),
    ]
