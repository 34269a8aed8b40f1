import os

from django.core.asgi import get_asgi_application

from infoview import local

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
local.prepare()  # does nothing unless DEBUG is on and a local service is wanted
application = get_asgi_application()
