from kopru.core.tests.conftest import *  # noqa: F401,F403  (named people and places)
