"""A tablet holding a user's token, for API tests."""

import json

from kopru.core.services import issue_token


class Api:
    def __init__(self, client, user, prefix):
        self.client = client
        self.prefix = f"/api/v1/{prefix}"
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, name='tablet')[1]}"}

    def __getattr__(self, method):
        def call(path, body=None, **extra):
            kwargs = {**self.headers, **extra}
            if body is not None:
                kwargs.update(data=json.dumps(body), content_type="application/json")
            return getattr(self.client, method)(f"{self.prefix}{path}", **kwargs)

        return call
