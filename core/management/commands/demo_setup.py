from django.core.management.base import BaseCommand

from core.services import demo_accounts_ensure, demo_loaders

# Each app that has demo data registers its loader from its AppConfig.ready() (see core.services).


class Command(BaseCommand):
    help = "Create the role groups and demo accounts, and load every app's demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true", help="Give the demo accounts new passwords.")
        parser.add_argument("--no-data", action="store_true", help="Only create groups and accounts.")

    def handle(self, *args, reset_passwords: bool = False, no_data: bool = False, **options):
        accounts = demo_accounts_ensure(reset_passwords=reset_passwords)
        if not no_data:
            for loader in demo_loaders():
                loader.load(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts (log in at http://127.0.0.1:8000/accounts/login/)"))
        for username, group, password in accounts:
            if password:
                self.stdout.write(self.style.SUCCESS(f"  {username:<8} ({group}) password: {password}"))
            else:
                self.stdout.write(
                    f"  {username:<8} ({group}) exists; its password was printed when it was created "
                    "(new one: python manage.py demo_setup --reset-passwords)"
                )
