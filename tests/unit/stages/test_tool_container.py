"""A stage container's PATH: the image's own, without sbin directories."""

from __future__ import annotations

import pytest

from slipway.stages.tool_container import path_without_sbin


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        (
            "/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "/go/bin:/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin",
        ),
        ("/usr/local/bin:/usr/bin:/bin", "/usr/local/bin:/usr/bin:/bin"),
        ("/sbin/:/opt/sbin-tools/bin::/usr/bin", "/opt/sbin-tools/bin:/usr/bin"),
        ("", ""),
    ],
)
def test_sbin_directories_leave_and_the_rest_keep_their_order(path: str, kept: str) -> None:
    assert path_without_sbin(path) == kept
