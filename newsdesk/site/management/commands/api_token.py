from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsdesk.site.models import ApiToken


class Command(BaseCommand):
    help = "Create a write-API token for an editor (a staff user). The token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label, e.g. the script using it")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}; create one with 'newsdesk createsuperuser'")
        if not user.is_staff:
            raise CommandError(
                f"{username!r} is not staff; editors' tokens need a staff account (set "
                "'Staff status' in /admin/)"
            )
        self.stdout.write(ApiToken.issue(user, name))
