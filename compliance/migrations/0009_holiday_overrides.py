"""Holiday becomes the staff overrides of the `holidays` library's calendar (is_holiday: add or
remove a day). The rows 0002 used to seed from compliance/data/holidays.csv (itself generated
with the library) are deleted: each repeats a day the library lists. Rows the library does not
list (staff additions) are kept as additions."""

import holidays as holiday_calendars
from django.db import migrations, models


def delete_rows_the_library_lists(apps, schema_editor):
    Holiday = apps.get_model("compliance", "Holiday")
    repeated = []
    for row in Holiday.objects.all().iterator():
        try:
            listed = holiday_calendars.country_holidays(row.country, years=row.date.year)
        except NotImplementedError:
            continue
        if row.date in listed:
            repeated.append(row.pk)
    Holiday.objects.filter(pk__in=repeated).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0008_consent_version'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='holiday',
            options={'ordering': ['country', 'date'], 'verbose_name': 'holiday override'},
        ),
        migrations.AddField(
            model_name='holiday',
            name='is_holiday',
            field=models.BooleanField(default=True, help_text='Checked: a public holiday the library does not list (added). Unchecked: a day the library lists that is not a public holiday (removed).'),
        ),
        migrations.AlterField(
            model_name='holiday',
            name='name',
            field=models.CharField(help_text="The holiday, or why the library's entry is wrong.", max_length=200),
        ),
        migrations.RunPython(delete_rows_the_library_lists, migrations.RunPython.noop),
    ]
