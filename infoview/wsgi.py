import os

from django.core.wsgi import get_wsgi_application

from infoview import local

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
local.prepare()  # does nothing unless DEBUG is on and a local service is wanted
application = get_wsgi_application()
