from django.conf import settings
from django.contrib import admin

admin.site.site_header = "DPA tracker administration"
admin.site.site_url = "/"
# The admin lives on DJANGO_ADMIN_URL so that it is not where scanners look first.
admin.site.site_title = f"DPA tracker ({settings.ADMIN_URL})"
