"""choose_service(): the one service the shared settings (ems_common.base_settings) are for."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ems_common.settings import choose_service, chosen_service


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
