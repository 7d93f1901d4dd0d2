import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruisseau.settings")
application = get_wsgi_application()

# Badges and anonymous buttons are answered from the cache when nothing changed (widgets/fastpath.py).
from ruisseau.widgets.fastpath import WidgetsFastPath  # noqa: E402

application = WidgetsFastPath(application)
