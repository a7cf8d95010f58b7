from fastapi.testclient import TestClient

from tests.factories import Login


def test_me_as_admin(client: TestClient, admin: Login) -> None:
    response = client.get("/api/v1/auth/me", headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"
