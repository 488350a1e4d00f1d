"""Several apps' promotion targets: rules from each slipway.yaml given, defaults for apps named only."""

from __future__ import annotations

from pathlib import Path

import pytest

from slipway.errors import ConfigError
from slipway.gitops.locators import KeysLocator
from slipway.host import app_targets

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_source_s_rules_win_and_an_app_named_only_counts_as_protected() -> None:
    api, ui = app_targets([EXAMPLES / "web-api"], ["web-api", "web-ui", "web-ui"], "staging")
    assert (api.app, api.protected, api.config is not None) == ("web-api", False, True)
    assert api.repository == "localhost:5000/slipway-examples/web-api"
    assert (ui.app, ui.protected, ui.config, ui.repository) == ("web-ui", True, None, "")
    assert isinstance(ui.locator, KeysLocator)
    assert ui.values_path("dev") == "apps/web-ui/overlays/dev/values.yaml"


def test_two_sources_give_two_targets_each_with_its_own_rules() -> None:
    targets = app_targets([EXAMPLES / "web-ui", EXAMPLES / "web-api"], [], "prod")
    assert [(t.app, t.protected, t.repository.rsplit("/", 1)[1]) for t in targets] == [
        ("web-ui", True, "web-ui"),
        ("web-api", True, "web-api"),
    ]


def test_an_unknown_environment_of_a_source_is_refused() -> None:
    with pytest.raises(ConfigError, match="qa"):
        app_targets([EXAMPLES / "web-api"], ["web-ui"], "qa")
