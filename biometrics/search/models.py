"""The change feed the in-memory indexes read to stay fresh. Written only by database triggers
on the face table (see triggers.py), never by Python code, so no insert or delete of a face can
bypass it: not a cascade from a photo, a bulk delete, the admin, nor raw SQL."""

from django.db import models
from django.db.models.functions import Now


class IndexGeneration(models.Model):
    """The single row (id 1) counting changes to the face table.

    Every statement that inserts, updates or deletes faces adds 1 to `value` under this row's
    lock, which it holds until its transaction ends: generations therefore become visible in
    order, with no gaps, and a reader that sees generation g has seen every change up to g.
    `token` is random per generation and `epoch` random per row, so a reader can tell a history
    it knows from one that was rolled back, flushed or restored (it then reloads in full)."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    epoch = models.CharField(max_length=32)
    value = models.BigIntegerField()
    token = models.CharField(max_length=32)

    class Meta:
        db_table = "biometrics_search_generation"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="biometrics_search_generation_single")]

    def __str__(self) -> str:
        return f"generation {self.value}"


class IndexChange(models.Model):
    """A face id touched at a generation (inserted, updated or deleted: the reader re-reads the
    face table for these ids, so it needs no kind)."""

    generation = models.BigIntegerField()
    token = models.CharField(max_length=32)
    face_id = models.BigIntegerField()
    changed_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "biometrics_search_change"
        indexes = [
            # "changes after generation g" on every search, "the token of generation g" too.
            models.Index(fields=["generation"], name="biometrics_search_change_gen"),
            # pruning by age
            models.Index(fields=["changed_at"], name="biometrics_search_change_at"),
        ]

    def __str__(self) -> str:
        return f"face {self.face_id} at {self.generation}"
