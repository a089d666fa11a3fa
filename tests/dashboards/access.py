"""Credentials for the dashboard tests: every route needs one (``dashboards.auth``, default deny).

API clients use an API key with the ``read`` scope, the wall a kiosk token (``/wall?kiosk=…``), other pages a
signed-in viewer, signed in through the real form in the browser.
"""

from __future__ import annotations

from typing import Any

import psycopg
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from ioc.security import keys, roles, users

PASSWORD = "correct horse battery staple"


def api_headers(db: psycopg.Connection, scopes: tuple[str, ...] = (roles.READ,)) -> dict[str, str]:
    _, secret = keys.add(db, "dashboard tests " + " ".join(scopes), "test", scopes)
    return {"Authorization": f"Bearer {secret}"}


def kiosk_token(db: psycopg.Connection, name: str = "test wall") -> str:
    return keys.add(db, name, "test", kiosk=True)[1]


def viewer(db: psycopg.Connection, name: str = "viewer") -> str:
    """A viewer (wall and read pages) past the first-login password change; returns the username."""
    otp = users.add(db, name, "viewer", actor="test")
    users.change_password(db, users.get(db, name).id, otp, PASSWORD)
    return name


def sign_in(driver: Any, base_url: str, name: str) -> None:
    """The browser's way: the sign-in form, then the session cookie does the rest."""
    driver.get(base_url + "/login")
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    # the POST answers with a redirect and the session cookie: wait for it, or the next page would race it
    WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)
