"""choose_service(): the one service the shared settings (ems_common.base_settings) are for."""

from __future__ import annotations

from argparse import ArgumentParser

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ems_common.settings import add_env_option, choose_service, chosen_service


def test_the_settings_are_the_chosen_services() -> None:
    choice = chosen_service()
    assert (
        choice.service,
        choice.account_model,
    ) == (settings.EMS_SERVICE, settings.EMS_ACCOUNT_MODEL)
    assert list(settings.INSTALLED_APPS[-len(choice.apps) :]) == list(choice.apps)


def test_the_same_choice_again_is_allowed() -> None:
    choice = chosen_service()
    choose_service(choice.service, apps=list(choice.apps), account_model=choice.account_model)
    assert chosen_service() == choice


def test_another_choice_in_the_same_process_is_refused() -> None:
    choice = chosen_service()
    with pytest.raises(ImproperlyConfigured, match="already chosen"):
        choose_service("auth", apps=["authentication"], account_model="authentication.User")
    assert chosen_service() == choice


def test_an_unknown_service_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="'billing' is not a service"):
        choose_service("billing", apps=[], account_model="billing.User")


def test_an_env_option_defaults_to_its_variable_and_its_help_names_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMS_TEST_BATCH", "7")
    monkeypatch.delenv("EMS_TEST_WAIT", raising=False)
    parser = ArgumentParser()
    add_env_option(parser, "--batch", "EMS_TEST_BATCH", 1000, "most per batch")
    add_env_option(parser, "--wait", "EMS_TEST_WAIT", 0.15, "seconds to wait")
    add_env_option(parser, "--queue", "EMS_TEST_QUEUE", "q", "queue to read")
    assert vars(parser.parse_args([])) == {"batch": 7, "wait": 0.15, "queue": "q"}
    assert vars(parser.parse_args(["--wait", "2", "--queue", "other"]))["wait"] == 2.0
    help_text = " ".join(parser.format_help().split())  # as argparse wraps it at any width
    assert "most per batch (env EMS_TEST_BATCH, default 1000)" in help_text


@pytest.mark.django_db
def test_the_services_connections_run_without_jit() -> None:
    # Compiling the fleet overview's statement took 0.9 s of its 1 s (docs/ARCHITECTURE.md).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
