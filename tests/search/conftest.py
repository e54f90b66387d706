# The demo, ingested through the real pipeline, as the site's tests have it.
from tests.site.conftest import demo_farm, ingested_demo  # noqa: F401
