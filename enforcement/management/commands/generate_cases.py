from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from enforcement.services.generate import cases_generate


class Command(BaseCommand):
    help = (
        "Create N realistic synthetic enforcement cases for scale tests (authorities from a pool of real "
        "DPA names, Faker respondents, fines in the authority's currency converted with the stored ECB "
        "rates, orders, GDPR articles, some penalty payments and appeals). Deterministic with --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="number of cases, e.g. 100000")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--prefix", default="gen", help="reference prefix (default 'gen')")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, count: int, seed: int, prefix: str, batch_size: int, no_progress: bool, **options):
        if count < 1:
            raise CommandError("N must be at least 1.")
        if not 1 <= batch_size <= 10000:
            raise CommandError("--batch-size must be between 1 and 10000.")
        with tqdm(total=count, unit="case", disable=no_progress, file=self.stderr._out) as bar:
            try:
                created = cases_generate(
                    count=count, seed=seed, prefix=prefix, batch_size=batch_size, progress=bar.update
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {created} synthetic cases ({prefix}-{seed}-*)."))
